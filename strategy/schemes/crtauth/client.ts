import { AuthError } from "../../errors.js";
import type { Signer } from "../../client/signer.js";
import { decodeBase64Url, encodeBase64Url } from "./base64.js";
import { decodeLegacyChallenge, decodeVerifiablePayload, encodeLegacyResponse } from "./legacy.js";
import { decodeChallenge, encodeRequest, encodeResponse, type ChallengeFields } from "./messages.js";
import { checkUsername } from "./names.js";

/**
 * The value for `X-CHAP: request:<value>` (v1).
 *
 * @example
 * headers["X-CHAP"] = `request:${createRequest("alice")}`;
 */
export function createRequest(username: string): string {
  return encodeBase64Url(encodeRequest(checkUsername(username)));
}

export interface CreateResponseOptions {
  /** The host the client connected to (URL host without port), as upstream clients compare it. */
  expectedServerName: string;
}

export interface CreatedResponse {
  /** The value for `X-CHAP: response:<text>`. */
  text: string;
  version: 0 | 1;
  challenge: ChallengeFields;
  /** Does the challenge name the signer's key? False for a stranger's or unknown user's challenge. */
  fingerprintMatches: boolean;
}

/**
 * Signs a challenge like upstream clients: refuses a challenge made for another
 * server (AuthError "wrong_server", the MITM check), signs the exact challenge bytes
 * (v1) or the inner payload (v0) with RSA PKCS#1 v1.5 / SHA-1, and echoes the
 * challenge back. Like Python's single-key signer it signs even when the challenge's
 * fingerprint names another key; the server then refuses.
 */
export async function createResponse(challengeText: string, signer: Signer, opts: CreateResponseOptions): Promise<CreatedResponse> {
  if (signer.publicKey.type !== "ssh-rsa") throw new TypeError("crtauth can only sign with an RSA key");
  const bytes = decodeBase64Url(challengeText);

  let challenge: ChallengeFields;
  let toSign: Buffer;
  let wrap: (signature: Buffer) => Buffer;
  if (bytes[0] === 0x76 /* v: version 0 */) {
    const v = decodeVerifiablePayload(bytes);
    challenge = decodeLegacyChallenge(v.payload);
    toSign = v.payload;
    wrap = (signature) => encodeLegacyResponse({ signature, wrapper: bytes });
  } else {
    challenge = decodeChallenge(bytes);
    toSign = bytes;
    wrap = (signature) => encodeResponse({ challenge: bytes, signature });
  }

  // Host names are case-insensitive (a server may be configured as "API.Example.com" while
  // URL parsers lower-case the host): only another name is a possible MITM.
  if (challenge.serverName.toLowerCase() !== opts.expectedServerName.toLowerCase()) {
    throw new AuthError("wrong_server", "crtauth challenge comes from another server (possible MITM)", {
      detail: { expected: opts.expectedServerName, got: challenge.serverName },
    });
  }
  const signature = await signer.sign(toSign, { rsaHash: "sha1" });
  return {
    text: encodeBase64Url(wrap(signature)),
    version: bytes[0] === 0x76 ? 0 : 1,
    challenge,
    fingerprintMatches: challenge.fingerprint.toString("hex") === signer.publicKey.crtauthFingerprint,
  };
}
