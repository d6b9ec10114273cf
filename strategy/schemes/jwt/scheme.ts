import crypto from "node:crypto";
import { AuthError } from "../../errors.js";
import type { Codec, CodecContext, CredentialHints, ReplayClaim } from "../../core/codec.js";
import type { StoredKey } from "../../store/ports.js";
import { decoyKey } from "../decoy-keys.js";
import { replayKey } from "../replay-key.js";
import { jwsAlgorithms, type JwsAlgorithm } from "../../keys/algorithms.js";
import { lookupJwsAlgorithm } from "./algorithms.js";
import { checkClaims, type CheckedClaims } from "./claims.js";
import { decodeJwt, type UnverifiedJwt } from "./decode.js";
import { jwtSettings, routeAudience, type JwtSchemeOptions } from "./options.js";
import { verifyJwsSignature } from "./verify-signature.js";

export type { JwtSchemeOptions } from "./options.js";

interface DecodedJwt {
  readonly jwt: UnverifiedJwt;
  /** Undefined for an alg the policy does not accept (refused in prepare, after the throttle). */
  readonly algorithm: JwsAlgorithm | undefined;
  /** Set by afterSignature: the claims the replay id is made of. */
  checked: CheckedClaims | null;
}

/** The one key type each algorithm verifies with, as the hints' set. */
const keyTypesOf: ReadonlyMap<string, ReadonlySet<string>> = new Map(Object.values(jwsAlgorithms).map((a) => [a.name, new Set([a.keyType])]));
const noKeyTypes: ReadonlySet<string> = new Set();

/** asymmetric-jwt-auth: `Authorization: JWT <jws>` with claims username, time and nonce. */
export function createJwtScheme(options: JwtSchemeOptions = {}): Codec<DecodedJwt, true> {
  const settings = jwtSettings(options);
  const word = settings.authMethod.toLowerCase();
  const tolerance = settings.toleranceSeconds;
  return {
    name: "jwt",
    challenge: `${settings.authMethod} realm="${settings.realm}"`,
    claims: (w) => w === word,
    decode(credential: string): DecodedJwt {
      const jwt = decodeJwt(credential);
      return { jwt, algorithm: lookupJwsAlgorithm(jwt.alg), checked: null };
    },
    hints(decoded: DecodedJwt): CredentialHints {
      // An empty kid names no key: like upstream, the claimed user's keys are tried.
      const kid = decoded.jwt.untrustedKid || null;
      return {
        untrustedUsername: decoded.jwt.untrustedUsername,
        untrustedKid: kid,
        keyTypes: decoded.algorithm ? keyTypesOf.get(decoded.algorithm.name)! : noKeyTypes,
        // A kid no stored key has may be in a JWKS the user trusts (asymmetric-jwt-auth's JWKSEndpointTrust).
        jwsAlgorithm: decoded.algorithm?.name,
      };
    },
    prepare(decoded: DecodedJwt): void {
      if (!decoded.algorithm) throw new AuthError("alg_not_allowed", `JWT algorithm ${JSON.stringify(decoded.jwt.alg.slice(0, 20))} is not accepted`);
    },
    verifySignature: (decoded: DecodedJwt, key: StoredKey) => (verifyJwsSignature(decoded.jwt, key.parsed.keyObject, decoded.algorithm!) ? true : null),
    noKey(decoded: DecodedJwt): AuthError {
      // No such user, or none of its keys is of the token's type: one refusal for both,
      // naming no key type, after a signature check's worth of work.
      verifyJwsSignature(decoded.jwt, decoyKey(decoded.algorithm!.keyType), decoded.algorithm!);
      return new AuthError("unknown_key", "no key of this user can verify this JWT");
    },
    badSignature: () => new AuthError("bad_signature", "the JWT signature does not match any key of this user"),
    afterSignature(decoded: DecodedJwt, _proof: true, _signer, ctx: CodecContext): void {
      const audience = routeAudience(ctx.routeOptions.jwtAudience) ?? settings.audience;
      decoded.checked = checkClaims(decoded.jwt.claims, ctx.nowMs, tolerance, audience);
    },
    replay(decoded: DecodedJwt): ReplayClaim | null {
      const claims = decoded.checked;
      if (!settings.replayProtection || claims === null) return null;
      return {
        scope: "jwt",
        // One-shot crypto.hash: createHash's object costs a measurable share of an RS256 verify.
        id: replayKey(claims.time, crypto.hash("sha256", JSON.stringify([claims.username, claims.time, claims.nonce]), "hex")),
        expiresAt: new Date((claims.time + tolerance + 1) * 1000),
        message: "this JWT (username, time, nonce) was already used",
      };
    },
  };
}
