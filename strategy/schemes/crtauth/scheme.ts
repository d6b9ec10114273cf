import type { Codec, CodecContext, CredentialHints, ReplayClaim } from "../../core/codec.js";
import { AuthError } from "../../errors.js";
import { parseOptions } from "../../options/parse-options.js";
import { refuseIfIssuedBeforeAccountChange } from "../account-change.js";
import type { KeyCandidate } from "../../store/ports.js";
import { CLOCK_FUDGE_S } from "./constants.js";
import { crtauthKeyTypes } from "../../keys/algorithms.js";
import { secretList } from "./mac.js";
import { crtauthSchemeOptionsSchema, resolveCrtauthSecrets, type CrtauthOptions } from "./options.js";
import { verifyTokenWith, type VerifiedToken } from "./token.js";

export interface CrtauthSchemeOptions extends CrtauthOptions {
  realm?: string | undefined;
}

/**
 * Spotify crtauth tokens: `Authorization: chap:<token>`, minted by the `/_auth` router
 * (createCrtauthRouter). The token is an HMAC-protected bearer token (username + validity
 * window), checked under the current and the previous secret in decode: that HMAC is the
 * codec's signature, so any RSA key of the user "verifies" it and the pipeline's ranking
 * picks the key the token stands for: an active one, the newest (the one the router names
 * in its challenges). So revoking the key or disabling the user stops its tokens at once,
 * except when the user still holds another active RSA key: then a token made with the
 * revoked key keeps working until it expires (one token lifetime, 60 s by default, 598 s at most).
 *
 * Every failure is a 401 (`alwaysUnauthorized`): requests-crtauth redoes the handshake
 * only on 401. Without a configured secret (option or CRTAUTH_SECRET) every chap token is
 * refused with `unsupported_scheme`.
 */
export function createCrtauthScheme(options: CrtauthSchemeOptions = {}): Codec<VerifiedToken, true> {
  const o = parseOptions(crtauthSchemeOptionsSchema, options, "crtauth scheme");
  const configured = resolveCrtauthSecrets(o);
  // Converted once: the token check runs on every request.
  const secrets = configured && secretList(configured);
  return {
    name: "crtauth",
    challenge: `chap realm="${o.realm ?? "passport-sshkey"}"`,
    alwaysUnauthorized: true,
    // The handshake's response step logged the sign-in; a token's refusals are still logged.
    logsSuccess: false,
    // An HMAC check: no signature work for the failure throttle to bound.
    throttled: false,
    claims: (word) => word === "chap",
    decode(credential: string, ctx: CodecContext): VerifiedToken {
      if (!secrets) throw new AuthError("unsupported_scheme", "crtauth is not configured on this server");
      return verifyTokenWith(credential, secrets, ctx.nowMs, 0, false);
    },
    hints: (token: VerifiedToken): CredentialHints => ({ untrustedUsername: token.username, keyTypes: crtauthKeyTypes }),
    verifySignature: () => true,
    noKey: () => new AuthError("unknown_key", "the user of this crtauth token no longer exists or holds no RSA key"),
    badSignature: () => new AuthError("bad_signature", "crtauth token was not issued with this server's secret"),
    afterSignature(token: VerifiedToken, _proof: true, signer: KeyCandidate): void {
      refuseIfIssuedBeforeAccountChange(token.validFrom + CLOCK_FUDGE_S, signer, "crtauth token");
    },
    replay: (): ReplayClaim | null => null,
  };
}
