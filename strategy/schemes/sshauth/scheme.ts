import type { Request } from "express";
import type { Codec, CodecContext, CredentialHints, ReplayClaim, RouteOptions } from "../../core/codec.js";
import { AuthError, isAuthError } from "../../errors.js";
import type { KeyCandidate, StoredKey } from "../../store/ports.js";
import { replayKey } from "../replay-key.js";
import { bindingActions } from "./binding.js";
import { sshauthSettings, type SshauthSchemeOptions, type SshauthSettings } from "./options.js";
import type { SshauthAction } from "./signed-message.js";
import { decodeSshauthToken, MAX_TOKEN_LENGTH, type UnverifiedSshauthToken } from "./token-codec.js";
import { nowSeconds, verifySshauthWith, type SshauthVerified } from "./verify.js";
import { sshauthKeyTypes } from "../../keys/algorithms.js";

export type { SshauthSchemeOptions } from "./options.js";

interface DecodedSshauth {
  readonly token: UnverifiedSshauthToken;
  /** The action list the token must have signed; set by prepare. */
  actions: readonly SshauthAction[];
  /** The pipeline's time for this credential, for the refusals that verify without a context. */
  readonly nowMs: number;
}

type Proof = SshauthVerified<StoredKey["parsed"]>;

/** The key types sshauth signs with, by the token's declared algorithm: no other stored key is ever a candidate. */
const keyTypesOf: ReadonlyMap<string, ReadonlySet<string>> = new Map([...sshauthKeyTypes].map((type) => [type, new Set([type])]));

const noActions: readonly SshauthAction[] = Object.freeze([]);

function bindingWanted(settings: SshauthSettings, routeOptions: RouteOptions): boolean {
  const perRoute = routeOptions.sshauthBinding;
  if (perRoute === undefined) return settings.bindRequests;
  if (typeof perRoute !== "boolean") throw new TypeError("passport.authenticate option sshauthBinding must be a boolean");
  return perRoute;
}

async function boundActions(settings: SshauthSettings, ctx: CodecContext): Promise<SshauthAction[]> {
  const request = ctx.request;
  return bindingActions({
    method: request.method,
    pathWithQuery: request.target,
    host: settings.bindingHost ?? request.host,
    body: await request.body(settings.maxBindingBodyBytes),
  });
}

/**
 * Oxide sshauth tokens: `Authorization: Bearer <token>` (a token never contains ".", a
 * JWS always does) or `Authorization: SSHAuth <token>`.
 *
 * The codec's part of the pipeline: decode → expected actions (binding) → signature per
 * candidate, with upstream's fingerprint and clock-skew checks on the key that verified →
 * replay id. The replay id covers the verifying key and the whole 52-byte signed message
 * (magic, identity, fingerprint, timestamp, actions), not the token text, so a re-padded,
 * re-signed or garbage-suffixed copy is the same use.
 */
export function createSshauthScheme(options: SshauthSchemeOptions = {}): Codec<DecodedSshauth, Proof> {
  const settings = sshauthSettings(options);
  const verifyWith = (token: UnverifiedSshauthToken, keys: readonly StoredKey["parsed"][], actions: readonly SshauthAction[], nowMs: number) =>
    verifySshauthWith(token, keys, { magic8: settings.magic, actions, nowSeconds: nowSeconds(nowMs / 1000), maxSkewSeconds: settings.maxSkewSeconds });

  return {
    name: "sshauth",
    challenge: `Bearer realm="${settings.realm}"`,
    claims: (word, credential) => word === "sshauth" || (settings.bearer && word === "bearer" && !credential.includes(".")),
    decode(credential: string, ctx: CodecContext): DecodedSshauth {
      if (credential.length > MAX_TOKEN_LENGTH) {
        throw new AuthError("credentials_too_large", `an sshauth token is at most ${MAX_TOKEN_LENGTH} characters`);
      }
      return { token: decodeSshauthToken(credential), actions: noActions, nowMs: ctx.nowMs };
    },
    hints(decoded: DecodedSshauth): CredentialHints {
      const token = decoded.token;
      return {
        untrustedUsername: token.untrustedIdentity,
        untrustedFingerprint: token.untrustedFingerprint,
        keyTypes: keyTypesOf.get(token.algorithm)!,
      };
    },
    prepare(decoded: DecodedSshauth, ctx: CodecContext): void | Promise<void> {
      if (settings.actions) {
        return Promise.resolve(settings.actions(ctx.request.source as Request)).then((actions) => void (decoded.actions = actions));
      }
      if (!bindingWanted(settings, ctx.routeOptions)) return;
      return boundActions(settings, ctx).then((actions) => void (decoded.actions = actions));
    },
    verifySignature(decoded: DecodedSshauth, key: StoredKey, ctx: CodecContext): Proof | null {
      try {
        return verifyWith(decoded.token, [key.parsed], decoded.actions, ctx.nowMs);
      } catch (error) {
        // A wrong key; fingerprint_mismatch, clock_skew and malformed signatures stay hard refusals.
        if (isAuthError(error) && error.code === "bad_signature") return null;
        throw error;
      }
    },
    noKey(decoded: DecodedSshauth): AuthError {
      // With no key to try, verify.ts checks the signature's structure and then costs a
      // signature check on a decoy key, as a wrong key does.
      try {
        verifyWith(decoded.token, [], noActions, decoded.nowMs);
      } catch (error) {
        if (isAuthError(error)) return error;
        throw error;
      }
      return new AuthError("unknown_key", "no key of the sshauth token's algorithm to verify it with");
    },
    /**
     * A token that failed as `bad_signature` may be a good token made for the other binding
     * setting: a bound token sent where binding is off, or an unbound one where it is on.
     * Verifying it once more the other way (with the candidates already looked up, only on
     * this failure path) names the mistake instead of "bad signature". The token is refused
     * either way; only the code changes, and only for a signature a key of the user made.
     */
    async badSignature(decoded: DecodedSshauth, candidates: readonly KeyCandidate[], ctx: CodecContext): Promise<AuthError> {
      const refusal = new AuthError("bad_signature", "sshauth token signature could not be verified", {
        detail: { algorithm: decoded.token.algorithm, keysTried: candidates.length },
      });
      if (settings.actions) return refusal;
      const bound = decoded.actions.length > 0;
      let other: readonly SshauthAction[];
      try {
        other = bound ? noActions : await boundActions(settings, ctx);
        verifyWith(
          decoded.token,
          candidates.map((c) => c.key.parsed),
          other,
          ctx.nowMs,
        );
      } catch {
        return refusal;
      }
      return bound
        ? new AuthError("binding_required", "this sshauth token is not bound to the request, and this server requires request binding (sign with --bind)")
        : new AuthError(
            "binding_not_enabled",
            "this sshauth token is bound to the request, but this server does not enable request binding (sign without --bind, or turn bindRequests on)",
          );
    },
    replay(_decoded: DecodedSshauth, proof: Proof): ReplayClaim | null {
      if (!settings.replayProtection) return null;
      return {
        scope: "sshauth",
        id: replayKey(proof.timestamp, proof.replayId),
        expiresAt: proof.replayExpiresAt,
        message: "this sshauth token (same key, same signed message) was already used",
      };
    },
  };
}
