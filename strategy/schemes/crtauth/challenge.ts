import { createHash, randomBytes } from "node:crypto";
import type { ParsedPublicKey } from "../../keys/types.js";
import { encodeBase64Url } from "./base64.js";
import { CLOCK_FUDGE_S, FINGERPRINT_LENGTH, RESPONSE_TIMEOUT_S, UNIQUE_DATA_LENGTH } from "./constants.js";
import { encodeLegacyChallenge, encodeVerifiablePayload } from "./legacy.js";
import { currentSecret, hmac, type CrtauthSecrets } from "./mac.js";
import { appendMac, encodeChallengeBody, type ChallengeFields } from "./messages.js";
import { assertServerName, checkUsername } from "./names.js";

export interface CreateChallengeOptions {
  /** From the request (untrusted): checked with checkUsername → AuthError("invalid_claim"). */
  username: string;
  /** This server's name, the host clients connect to. */
  serverName: string;
  /** The first secret MACs the challenge. */
  secret: CrtauthSecrets;
  /**
   * The user's key, or null/undefined when there is no such user or no RSA key.
   * A missing or non-RSA key yields a fake fingerprint, so challenges look the same
   * for every username.
   */
  key?: ParsedPublicKey | null | undefined;
  /** Milliseconds since the epoch; default Date.now. */
  now?: (() => number) | undefined;
  /** Source of the 20 unique bytes; default crypto.randomBytes. */
  random?: ((size: number) => Buffer) | undefined;
  /** 1 (default, msgpack + HMAC-SHA256) or 0 (legacy XDR + HMAC-SHA1, Python only). */
  version?: 0 | 1 | undefined;
}

export interface CreatedChallenge {
  /** Unpadded base64url, for `X-CHAP: challenge:<text>`. */
  text: string;
  bytes: Buffer;
  fields: ChallengeFields;
  /** True when the fingerprint is the HMAC-derived stand-in. */
  fake: boolean;
}

/**
 * Builds a challenge exactly as upstream servers do: valid from `now - 2 s` to
 * `now + 20 s` (seconds truncated), bound to the server name and the username, MACed
 * with the current secret.
 *
 * @example
 * const { text } = createChallenge({ username: "alice", serverName: "api.example.com", secret, key });
 */
export function createChallenge(opts: CreateChallengeOptions): CreatedChallenge {
  const serverName = assertServerName(opts.serverName);
  const username = checkUsername(opts.username);
  const secret = currentSecret(opts.secret);
  const nowS = Math.floor((opts.now ?? Date.now)() / 1000);
  const uniqueData = Buffer.from((opts.random ?? randomBytes)(UNIQUE_DATA_LENGTH));
  if (uniqueData.length !== UNIQUE_DATA_LENGTH) throw new RangeError("random() must return 20 bytes");

  const real = opts.key ? keyFingerprint(opts.key) : null;
  const fields: ChallengeFields = {
    uniqueData,
    validFrom: nowS - CLOCK_FUDGE_S,
    validTo: nowS + RESPONSE_TIMEOUT_S,
    fingerprint: real ?? fakeFingerprint(secret, username),
    serverName,
    username,
  };

  const bytes = sealChallenge(fields, secret, opts.version ?? 1);
  return { text: encodeBase64Url(bytes), bytes, fields, fake: real === null };
}

/**
 * Serialises challenge fields and appends the MAC: v1 = msgpack + HMAC-SHA256 over
 * everything before it; v0 = XDR payload wrapped with its HMAC-SHA1.
 */
export function sealChallenge(fields: ChallengeFields, secret: Buffer, version: 0 | 1 = 1): Buffer {
  if (version === 1) {
    const body = encodeChallengeBody(fields);
    return appendMac(body, hmac("sha256", secret, body));
  }
  const payload = encodeLegacyChallenge(fields);
  return encodeVerifiablePayload({ digest: hmac("sha1", secret, payload), payload });
}

/** The crtauth key hint: SHA-1 of the SSH wire blob, first 6 bytes; null for non-RSA keys. */
export function keyFingerprint(key: ParsedPublicKey): Buffer | null {
  if (key.type !== "ssh-rsa") return null;
  return createHash("sha1").update(key.blob).digest().subarray(0, FINGERPRINT_LENGTH);
}

/**
 * The stand-in fingerprint for unknown users, crtauth-java's choice:
 * HMAC-SHA256(secret, UTF-8 username)[0:6]. Deterministic per (secret, username), so
 * repeated requests for a missing user look like a real user's. (Python uses
 * HMAC-SHA1; only the issuing server ever sees the value again, so either works.)
 */
export function fakeFingerprint(secret: Buffer, username: string): Buffer {
  return hmac("sha256", secret, Buffer.from(username, "utf8")).subarray(0, FINGERPRINT_LENGTH);
}
