import type { z } from "zod";
import { SSHSIG_TOKEN_TYPE, type SshsigTokenJson } from "../../contract/sshsig-token.js";
import type { AnyCodec, Codec, CodecContext, CredentialHints, ReplayClaim, Verified } from "../../core/codec.js";
import { AuthError } from "../../errors.js";
import { sshsigKeyTypes } from "../../keys/algorithms.js";
import { parseOptions } from "../../options/parse-options.js";
import type { KeyCandidate, StoredKey } from "../../store/ports.js";
import { refuseIfIssuedBeforeAccountChange } from "../account-change.js";
import type { CrtauthSecret } from "../crtauth/mac.js";
import { decodeSshsigToken, encodeSshsigToken, sshsigTokenKeys, type SshsigTokenFields } from "./token.js";
import { sshsigTokenOptionsSchema, type SshsigTokenSchemeOptions } from "./token-options.js";

/** What `POST /_sshsig/token` answers. */
export type IssuedSshsigToken = z.input<typeof SshsigTokenJson>;

export type SshsigTokenIssuer = (verified: Verified, nowMs: number) => IssuedSshsigToken;

// The token codec is the one place that knows the MAC key and the lifetime: the router asks it to mint.
const issuers = new WeakMap<AnyCodec, SshsigTokenIssuer>();

/** The minting side of a strategy's sshsig-token codec; undefined for any other codec, or one without a secret. */
export function sshsigTokenIssuerOf(codec: AnyCodec): SshsigTokenIssuer | undefined {
  return issuers.get(codec);
}

/**
 * `Authorization: SSHSIG-Token <token>`: the bearer token `POST /_sshsig/token` exchanges for
 * one SSHSIG-signed request, so a hardware key is touched once per session rather than once
 * per request. The MAC and expiry are checked in decode; the token names its key (fingerprint
 * and id), and the pipeline then looks that key up and applies key state on every use, so a
 * revoked or expired key, a disabled or deleted user stops its tokens at once. No replay claim:
 * the token is reused until it expires. Without a crtauth secret (`crtauth.secret` or
 * CRTAUTH_SECRET) every token is refused with `unsupported_scheme`.
 */
export function createSshsigTokenScheme(options: SshsigTokenSchemeOptions | undefined, secrets: CrtauthSecret[] | null): Codec<SshsigTokenFields, true> {
  const o = parseOptions(sshsigTokenOptionsSchema, options, "sshsigToken scheme");
  const lifetimeSeconds = o.lifetimeSeconds ?? 300;
  // Derived once: the token check runs on every request.
  const keys = secrets && sshsigTokenKeys(secrets);
  const codec: Codec<SshsigTokenFields, true> = {
    name: "sshsig-token",
    challenge: `${SSHSIG_TOKEN_TYPE} realm="${o.realm ?? "passport-sshkey"}"`,
    // An HMAC check: no signature work for the failure throttle to bound.
    throttled: false,
    claims: (word) => word === "sshsig-token",
    decode(credential: string, ctx: CodecContext): SshsigTokenFields {
      if (!keys) throw new AuthError("unsupported_scheme", "SSHSIG tokens are not configured on this server");
      return decodeSshsigToken(credential, keys, ctx.nowMs);
    },
    hints: (token: SshsigTokenFields): CredentialHints => ({
      untrustedUsername: token.username,
      untrustedFingerprint: token.fingerprint,
      keyTypes: sshsigKeyTypes,
    }),
    // The MAC was the proof; this only pins the very key record the token was issued for.
    verifySignature: (token: SshsigTokenFields, key: StoredKey) => (key.id === token.keyId ? true : null),
    noKey: () => new AuthError("unknown_key", "the user or key of this SSHSIG token no longer exists"),
    badSignature: () => new AuthError("unknown_key", "the key of this SSHSIG token no longer exists"),
    afterSignature(token: SshsigTokenFields, _proof: true, signer: KeyCandidate): void {
      refuseIfIssuedBeforeAccountChange(token.issuedAt, signer, "SSHSIG token");
    },
    replay: (): ReplayClaim | null => null,
  };
  if (keys) {
    const [current] = keys as [Buffer, ...Buffer[]];
    issuers.set(codec as AnyCodec, (verified, nowMs) => {
      const issuedAt = Math.floor(nowMs / 1000);
      const expiresAt = issuedAt + lifetimeSeconds;
      const token = encodeSshsigToken(
        { issuedAt, expiresAt, username: verified.user.username, fingerprint: verified.key.parsed.fingerprintSha256, keyId: verified.key.id },
        current,
      );
      return { token, tokenType: SSHSIG_TOKEN_TYPE, expiresAt: new Date(expiresAt * 1000).toISOString(), expiresIn: lifetimeSeconds };
    });
  }
  return codec;
}
