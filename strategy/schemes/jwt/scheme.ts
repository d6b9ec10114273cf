import crypto from "node:crypto";
import { AuthError } from "../../errors.js";
import type { KeyCandidate } from "../../store/ports.js";
import { findSigningKey } from "../candidates.js";
import { decoyKey } from "../decoy-keys.js";
import { replayKey } from "../replay-key.js";
import type { AuthScheme, SchemeContext, Verified } from "../scheme.js";
import { lookupJwsAlgorithm } from "./algorithms.js";
import { checkClaims } from "./claims.js";
import { decodeJwt, type UnverifiedJwt } from "./decode.js";
import { verifyJwsSignature } from "./verify-signature.js";

export interface JwtSchemeOptions {
  /** Accepted |now − time| in seconds, inclusive (asymmetric-jwt-auth's TIMESTAMP_TOLERANCE; default 20). */
  toleranceSeconds?: number | undefined;
  /** Scheme word in the Authorization header (asymmetric-jwt-auth's AUTH_METHOD; default "JWT"). */
  authMethod?: string | undefined;
  /** Refuse replayed (username, time, nonce) triples (default true). */
  replayProtection?: boolean | undefined;
  /**
   * This service's name(s) (e.g. its URL). When set, a token must carry an `aud` claim naming
   * one of them (`invalid_audience` otherwise), so a token made for another service is refused
   * here; unset, a token with a non-empty `aud` is refused (as upstream's PyJWT does).
   * A route can set its own with `passport.authenticate("sshkey", { jwtAudience })`.
   */
  audience?: string | readonly string[] | undefined;
  realm?: string | undefined;
}

/** An audience option as a non-empty list of non-empty strings; a TypeError otherwise. */
export function audienceList(value: unknown, what: string): readonly string[] | undefined {
  if (value === undefined) return undefined;
  const list = typeof value === "string" ? [value] : value;
  if (!Array.isArray(list) || list.length === 0 || list.some((a) => typeof a !== "string" || a === "")) {
    throw new TypeError(`${what} must be a non-empty string or a non-empty list of them`);
  }
  return Object.freeze([...list]);
}

/** asymmetric-jwt-auth's kid: the lower-case hex SHA-256 of the key's SPKI PEM. */
const kidShape = /^[0-9a-f]{64}$/;

async function candidatesFor(jwt: UnverifiedJwt, ctx: SchemeContext): Promise<KeyCandidate[]> {
  const username = jwt.untrustedUsername;
  if (jwt.untrustedKid) {
    // Any other kid names no stored key: refused without a lookup, so junk kids never reach
    // the database or fill the key cache's record of misses.
    if (!kidShape.test(jwt.untrustedKid)) return [];
    // A token that names its key is checked against that key alone: falling back to the
    // user's other keys would let junk tokens cost one check per key the user holds.
    const byKid = await ctx.keys.findByKid(jwt.untrustedKid);
    return byKid && byKid.user.username === username ? [byKid] : [];
  }
  // No kid: like upstream, try the claimed user's keys (findSigningKey caps how many).
  const byUser = await ctx.keys.findByUsername(username);
  return byUser ? byUser.keys.map((key) => ({ key, user: byUser.user })) : [];
}

/** asymmetric-jwt-auth: `Authorization: JWT <jws>` with claims username, time and nonce. */
export function createJwtScheme(options: JwtSchemeOptions = {}): AuthScheme {
  const tolerance = options.toleranceSeconds ?? 20;
  const word = (options.authMethod ?? "JWT").toLowerCase();
  const replayProtection = options.replayProtection ?? true;
  const audience = audienceList(options.audience, "jwt.audience");
  return {
    name: "jwt",
    challenge: `${options.authMethod ?? "JWT"} realm="${options.realm ?? "passport-sshkey"}"`,
    claims: (w) => w === word,
    async verify(credential: string, ctx: SchemeContext): Promise<Verified> {
      const jwt = decodeJwt(credential);
      ctx.noteUntrustedUsername(jwt.untrustedUsername);
      const algorithm = lookupJwsAlgorithm(jwt.alg);
      if (!algorithm) throw new AuthError("alg_not_allowed", `JWT algorithm ${JSON.stringify(jwt.alg.slice(0, 20))} is not accepted`);

      const candidates = await candidatesFor(jwt, ctx);
      const sameType = candidates.filter((c) => c.key.parsed.type === algorithm.keyType);
      if (sameType.length === 0) {
        // No such user, or none of its keys is of the token's type: one refusal for both,
        // naming no key type, after a signature check's worth of work (decoy-keys.ts).
        verifyJwsSignature(jwt, decoyKey(algorithm.keyType), algorithm);
        throw new AuthError("unknown_key", "no key of this user can verify this JWT");
      }
      const nowMs = ctx.now();
      const signer = findSigningKey(sameType, nowMs, (c) => verifyJwsSignature(jwt, c.key.parsed.keyObject, algorithm));
      if (!signer) throw new AuthError("bad_signature", "the JWT signature does not match any key of this user");

      const routeAudience = audienceList(ctx.routeOptions.jwtAudience, "passport.authenticate option jwtAudience");
      const claims = checkClaims(jwt.claims, nowMs, tolerance, routeAudience ?? audience);
      if (replayProtection) {
        // One-shot crypto.hash: createHash's object costs a measurable share of an RS256 verify.
        const id = replayKey(claims.time, crypto.hash("sha256", JSON.stringify([claims.username, claims.time, claims.nonce]), "hex"));
        const expiresAt = new Date((claims.time + tolerance + 1) * 1000);
        if (!(await ctx.replay.consume("jwt", id, expiresAt))) {
          throw new AuthError("replayed", "this JWT (username, time, nonce) was already used");
        }
      }
      return { ...signer, scheme: "jwt" };
    },
  };
}
