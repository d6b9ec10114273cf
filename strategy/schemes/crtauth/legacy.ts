/**
 * crtauth v0 ("legacy", unversioned) messages in XDR, as spotify/crtauth protocol.py
 * writes them. Only the Python server speaks v0; this module exists so the core can
 * answer old clients and read tokens minted by Python servers sharing the secret.
 *
 *   VerifiablePayload  'v' 00 00 00 │ digest[20] │ opaque(payload)      digest = HMAC-SHA1(secret, payload)
 *   Challenge payload  'c' 00 00 00 │ unique[20] │ uint valid_from │ uint valid_to
 *                      │ opaque(fingerprint 6) │ opaque(server_name) │ opaque(username)
 *   Response           'r' 00 00 00 │ opaque(signature) │ opaque(VerifiablePayload bytes)
 *   Token payload      't' 00 00 00 │ uint valid_from │ uint valid_to │ opaque(username)
 *
 * (opaque = 4-byte length, bytes, zero padding to 4.) The v0 signature covers the
 * challenge payload only, not the 'v' wrapper. All decoders throw AuthError only.
 */
import { AuthError } from "../../errors.js";
import { FINGERPRINT_LENGTH, LEGACY_DIGEST_LENGTH, LIMITS, UNIQUE_DATA_LENGTH } from "./constants.js";
import type { ChallengeFields, TokenFields } from "./messages.js";
import { XdrReader, XdrWriter } from "./xdr.js";

const LEGACY_MAGIC = {
  verifiable: 0x76, // v
  challenge: 0x63, // c
  response: 0x72, // r
  token: 0x74, // t
} as const;

export interface VerifiablePayload {
  digest: Buffer;
  payload: Buffer;
}

export interface LegacyResponse {
  signature: Buffer;
  /** The 'v' wrapper bytes exactly as received. */
  wrapper: Buffer;
  digest: Buffer;
  /** The challenge payload: what the HMAC and the signature cover. */
  payload: Buffer;
}

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

export function encodeVerifiablePayload(v: VerifiablePayload): Buffer {
  return magic(LEGACY_MAGIC.verifiable).fixedOpaque(v.digest, LEGACY_DIGEST_LENGTH).opaque(v.payload).toBuffer();
}

export function decodeVerifiablePayload(bytes: Buffer, maxPayload: number = LIMITS.challenge): VerifiablePayload {
  const r = reader(bytes, LEGACY_MAGIC.verifiable, "signed payload");
  const digest = r.fixedOpaque(LEGACY_DIGEST_LENGTH, "digest");
  const payload = r.opaque("payload", { min: 1, max: maxPayload });
  r.end("signed payload");
  return { digest, payload };
}

export function encodeLegacyChallenge(c: ChallengeFields): Buffer {
  return magic(LEGACY_MAGIC.challenge)
    .fixedOpaque(c.uniqueData, UNIQUE_DATA_LENGTH)
    .uint(c.validFrom)
    .uint(c.validTo)
    .opaque(c.fingerprint)
    .opaque(Buffer.from(c.serverName, "utf8"))
    .opaque(Buffer.from(c.username, "utf8"))
    .toBuffer();
}

export function decodeLegacyChallenge(payload: Buffer): ChallengeFields {
  const r = reader(payload, LEGACY_MAGIC.challenge, "challenge");
  const uniqueData = r.fixedOpaque(UNIQUE_DATA_LENGTH, "unique_data");
  const validFrom = r.uint("valid_from");
  const validTo = r.uint("valid_to");
  const fingerprint = r.opaque("fingerprint", { min: FINGERPRINT_LENGTH, max: FINGERPRINT_LENGTH });
  const serverName = text(r.opaque("server_name", { min: 1, max: LIMITS.serverNameBytes }), "server_name");
  const username = text(r.opaque("username", { min: 1, max: LIMITS.usernameBytes }), "username");
  r.end("challenge");
  window(validFrom, validTo, "challenge");
  return { uniqueData, validFrom, validTo, fingerprint, serverName, username };
}

export function encodeLegacyResponse(r: { signature: Buffer; wrapper: Buffer }): Buffer {
  return magic(LEGACY_MAGIC.response).opaque(r.signature).opaque(r.wrapper).toBuffer();
}

export function decodeLegacyResponse(bytes: Buffer): LegacyResponse {
  const r = reader(bytes, LEGACY_MAGIC.response, "response");
  const signature = r.opaque("signature", { min: 1, max: LIMITS.signature });
  const wrapper = r.opaque("challenge", { min: 1, max: LIMITS.challenge });
  r.end("response");
  return { signature, wrapper, ...decodeVerifiablePayload(wrapper) };
}

export function encodeLegacyToken(t: TokenFields): Buffer {
  return magic(LEGACY_MAGIC.token).uint(t.validFrom).uint(t.validTo).opaque(Buffer.from(t.username, "utf8")).toBuffer();
}

export function decodeLegacyToken(payload: Buffer): TokenFields {
  const r = reader(payload, LEGACY_MAGIC.token, "token");
  const validFrom = r.uint("valid_from");
  const validTo = r.uint("valid_to");
  const username = text(r.opaque("username", { min: 1, max: LIMITS.usernameBytes }), "username");
  r.end("token");
  window(validFrom, validTo, "token");
  return { validFrom, validTo, username };
}

function magic(byte: number): XdrWriter {
  return new XdrWriter().fixedOpaque(Buffer.of(byte), 1);
}

function reader(bytes: Buffer, expected: number, what: string): XdrReader {
  const r = new XdrReader(bytes);
  const [got] = r.fixedOpaque(1, "magic");
  if (got !== expected) {
    throw new AuthError("malformed_token", `not a crtauth v0 ${what} (wrong magic)`, {
      detail: { expected, got },
    });
  }
  return r;
}

function text(bytes: Buffer, field: string): string {
  try {
    return utf8.decode(bytes);
  } catch {
    throw new AuthError("malformed_token", `crtauth field ${field} is not valid UTF-8`, { detail: { field } });
  }
}

function window(validFrom: number, validTo: number, what: string): void {
  if (!(validFrom < validTo)) {
    throw new AuthError("malformed_token", `crtauth ${what} validity window is empty`, {
      detail: { validFrom, validTo },
    });
  }
}
