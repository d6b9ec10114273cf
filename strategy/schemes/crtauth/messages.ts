/**
 * crtauth v1 messages, byte for byte as spotify/crtauth (msgpack_protocol.py) and
 * crtauth-java (CrtAuthCodec) write them. Each message is a flat sequence of msgpack
 * values, not an array:
 *
 *   Request    01 71 str(username)
 *   Challenge  01 63 bin(unique 20) uint(valid_from) uint(valid_to) bin(fingerprint 6)
 *                    str(server_name) str(username) │ bin(HMAC-SHA256 32)
 *   Response   01 72 bin(challenge bytes) bin(RSA signature)
 *   Token      01 74 uint(valid_from) uint(valid_to) str(username) │ bin(HMAC-SHA256 32)
 *
 * The HMAC covers every byte left of the │. Decoders here check structure only
 * (types, lengths, trailing bytes, version, magic); MACs, times and names are checked
 * by challenge.ts / response.ts / token.ts. Every decoder throws AuthError only.
 */
import { AuthError } from "../../errors.js";
import { FINGERPRINT_LENGTH, HMAC_LENGTH, LIMITS, MAGIC, PROTOCOL_VERSION, UNIQUE_DATA_LENGTH } from "./constants.js";
import { MsgpackReader, MsgpackWriter } from "./msgpack.js";
import { checkUsername } from "./names.js";

export interface ChallengeFields {
  uniqueData: Buffer;
  /** Unix seconds. */
  validFrom: number;
  /** Unix seconds. */
  validTo: number;
  fingerprint: Buffer;
  serverName: string;
  username: string;
}

export interface DecodedChallenge extends ChallengeFields {
  hmac: Buffer;
  /** The bytes the HMAC covers (everything before the HMAC field). */
  signedPart: Buffer;
  /** The whole message, exactly as received. */
  bytes: Buffer;
}

export interface ResponseFields {
  /** The challenge exactly as the server sent it (decoded from base64). */
  challenge: Buffer;
  signature: Buffer;
}

export interface TokenFields {
  validFrom: number;
  validTo: number;
  username: string;
}

export interface DecodedToken extends TokenFields {
  hmac: Buffer;
  signedPart: Buffer;
}

type Kind = keyof typeof MAGIC;

// ── Request ────────────────────────────────────────────────────────────────────────

export function encodeRequest(username: string): Buffer {
  return header("request").str(username).toBuffer();
}

/**
 * Version 1 requests must end after the username. Higher versions are read as
 * version 1 and their extra fields ignored, as the spec's forward-compatibility rule
 * asks (Python accepts versions up to 4; Java rejects all but 1). The username is
 * checked with checkUsername (AuthError "invalid_claim").
 */
export function decodeRequest(bytes: Buffer): { version: number; username: string } {
  const r = new MsgpackReader(bytes);
  const version = readHeader(r, "request", { newerAllowed: true });
  const username = r.str("username", LIMITS.usernameBytes);
  if (version === PROTOCOL_VERSION) r.end("request");
  return { version, username: checkUsername(username) };
}

// ── Challenge ──────────────────────────────────────────────────────────────────────

/** The challenge up to (not including) its HMAC: the bytes the server MACs. */
export function encodeChallengeBody(c: ChallengeFields): Buffer {
  if (c.uniqueData.length !== UNIQUE_DATA_LENGTH) throw new RangeError("uniqueData must be 20 bytes");
  if (c.fingerprint.length !== FINGERPRINT_LENGTH) throw new RangeError("fingerprint must be 6 bytes");
  return header("challenge").bin(c.uniqueData).uint(c.validFrom).uint(c.validTo).bin(c.fingerprint).str(c.serverName).str(c.username).toBuffer();
}

export function appendMac(body: Buffer, mac: Buffer): Buffer {
  return Buffer.concat([body, new MsgpackWriter().bin(mac).toBuffer()]);
}

export function decodeChallenge(bytes: Buffer): DecodedChallenge {
  const r = new MsgpackReader(bytes);
  readHeader(r, "challenge");
  const uniqueData = r.bin("unique_data", { min: UNIQUE_DATA_LENGTH, max: UNIQUE_DATA_LENGTH });
  const validFrom = r.uint("valid_from");
  const validTo = r.uint("valid_to");
  const fingerprint = r.bin("fingerprint", { min: FINGERPRINT_LENGTH, max: FINGERPRINT_LENGTH });
  const serverName = r.str("server_name", LIMITS.serverNameBytes);
  const username = r.str("username", LIMITS.usernameBytes);
  const signedLength = r.offset;
  const hmac = r.bin("hmac", { min: HMAC_LENGTH, max: HMAC_LENGTH });
  r.end("challenge");
  checkWindow(validFrom, validTo, "challenge");
  if (serverName === "" || username === "") {
    throw new AuthError("malformed_token", "crtauth challenge has an empty name");
  }
  return {
    uniqueData,
    validFrom,
    validTo,
    fingerprint,
    serverName,
    username,
    hmac,
    signedPart: bytes.subarray(0, signedLength),
    bytes,
  };
}

// ── Response ───────────────────────────────────────────────────────────────────────

export function encodeResponse(r: ResponseFields): Buffer {
  return header("response").bin(r.challenge).bin(r.signature).toBuffer();
}

export function decodeResponse(bytes: Buffer): ResponseFields {
  const r = new MsgpackReader(bytes);
  readHeader(r, "response");
  const challenge = r.bin("challenge", { min: 1, max: LIMITS.challenge });
  const signature = r.bin("signature", { min: 1, max: LIMITS.signature });
  r.end("response");
  return { challenge, signature };
}

// ── Token ──────────────────────────────────────────────────────────────────────────

export function encodeTokenBody(t: TokenFields): Buffer {
  return header("token").uint(t.validFrom).uint(t.validTo).str(t.username).toBuffer();
}

export function decodeToken(bytes: Buffer): DecodedToken {
  const r = new MsgpackReader(bytes);
  readHeader(r, "token");
  const validFrom = r.uint("valid_from");
  const validTo = r.uint("valid_to");
  const username = r.str("username", LIMITS.usernameBytes);
  const signedLength = r.offset;
  const hmac = r.bin("hmac", { min: HMAC_LENGTH, max: HMAC_LENGTH });
  r.end("token");
  checkWindow(validFrom, validTo, "token");
  if (username === "") throw new AuthError("malformed_token", "crtauth token has an empty username");
  return { validFrom, validTo, username, hmac, signedPart: bytes.subarray(0, signedLength) };
}

// ── shared ─────────────────────────────────────────────────────────────────────────

function header(kind: Kind): MsgpackWriter {
  return new MsgpackWriter().uint(PROTOCOL_VERSION).uint(MAGIC[kind]);
}

/**
 * Version, then magic. A version other than 1 is `unsupported_version` (v0 messages
 * start with ASCII 'v' or 'r', which read as fixints 118 / 114), a wrong magic
 * `malformed_token`.
 */
function readHeader(r: MsgpackReader, kind: Kind, opts: { newerAllowed?: boolean } = {}): number {
  const first = r.peek();
  const version = r.uint("version");
  const ok = version === PROTOCOL_VERSION || (opts.newerAllowed === true && version > PROTOCOL_VERSION);
  if (!ok) {
    const legacy = first === 0x76 || first === 0x72;
    throw new AuthError("unsupported_version", legacy ? "crtauth version 0 message where version 1 was expected" : `unsupported crtauth version ${version}`, {
      detail: { version: legacy ? 0 : version, message: kind },
    });
  }
  const magic = r.uint("magic");
  if (magic !== MAGIC[kind]) {
    throw new AuthError("malformed_token", `not a crtauth ${kind} (wrong magic)`, {
      detail: { expected: MAGIC[kind], got: magic },
    });
  }
  return version;
}

function checkWindow(validFrom: number, validTo: number, kind: string): void {
  // Java refuses such messages when it builds them; a window that ends before it
  // begins can only be a forgery or a bug.
  if (!(validFrom < validTo)) {
    throw new AuthError("malformed_token", `crtauth ${kind} validity window is empty`, {
      detail: { validFrom, validTo },
    });
  }
}
