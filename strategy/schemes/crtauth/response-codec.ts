import type { Codec, CodecContext, CredentialHints, ReplayClaim } from "../../core/codec.js";
import type { AuthError } from "../../errors.js";
import type { StoredKey } from "../../store/ports.js";
import { crtauthKeyTypes } from "../../keys/algorithms.js";
import type { CrtauthSecret } from "./mac.js";
import { crtauthServerName } from "./names.js";
import { badResponseSignature, noResponseKey, openResponse, responseReplay, responseSignedBy, type OpenedResponse } from "./response.js";

export interface CrtauthResponseCodecOptions {
  secrets: readonly CrtauthSecret[];
  /** Default: the request's Host without port. */
  serverName?: string | undefined;
  legacyV0: boolean;
}

/**
 * The `X-CHAP: response:` message of the `/_auth` handshake as a codec: the challenge MAC,
 * server name and window are checked in decode; the signature is RSA/SHA-1 over the exact
 * challenge bytes, tried against the user's RSA keys with the one the challenge named first;
 * the response is redeemed once. The router turns the verified result into a token.
 */
export function createCrtauthResponseCodec(options: CrtauthResponseCodecOptions): Codec<OpenedResponse, true> {
  const secret = [...options.secrets];
  return {
    name: "crtauth",
    challenge: "chap",
    claims: () => false,
    decode: (text: string, ctx: CodecContext) =>
      openResponse(text, {
        secret,
        serverName: crtauthServerName(options.serverName, ctx.request.host),
        now: () => ctx.nowMs,
        allowLegacy: options.legacyV0,
      }),
    hints: (opened: OpenedResponse): CredentialHints => ({
      untrustedUsername: opened.hint.username,
      preferredKey: (key) => key.parsed.crtauthFingerprint === opened.hint.fingerprint,
      keyTypes: crtauthKeyTypes,
    }),
    verifySignature: (opened: OpenedResponse, key: StoredKey) => (responseSignedBy(opened, key.parsed) ? true : null),
    noKey: (opened: OpenedResponse): AuthError => noResponseKey(opened, "not_found"),
    badSignature: badResponseSignature,
    replay(opened: OpenedResponse): ReplayClaim {
      const { replayId, replayExpiresAt } = responseReplay(opened);
      return { scope: "crtauth-response", id: replayId, expiresAt: replayExpiresAt, message: "this crtauth response was already redeemed" };
    },
  };
}
