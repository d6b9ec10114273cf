import { clockRefusal } from "../../core/clock-skew.js";
import { AuthError } from "../../errors.js";
import { encodeBase64Url } from "../../keys/base64.js";
import { SshReader, sshString, sshUint32 } from "../../keys/wire.js";
import { hmac, macMatchesAny, secretList, type CrtauthSecrets } from "../crtauth/mac.js";

/**
 * The bearer token `POST /_sshsig/token` issues for one verified SSHSIG request. Committed
 * byte layout (version 1), sent as unpadded base64url:
 *
 *   byte      version = 1
 *   uint32    issuedAt   seconds since the epoch
 *   uint32    expiresAt  seconds since the epoch
 *   string    username
 *   string    fingerprint  "SHA256:…" of the key that signed the SSHSIG
 *   string    key id       the stored key's id: a re-added key is another key
 *   byte[32]  HMAC-SHA256 of everything above, under the sshsig-token key
 *
 * The MAC key is derived from the crtauth secret with a purpose label, so one configured
 * secret serves both and neither kind of token verifies as the other.
 */
export interface SshsigTokenFields {
  readonly issuedAt: number;
  readonly expiresAt: number;
  readonly username: string;
  readonly fingerprint: string;
  readonly keyId: string;
}

const VERSION = 1;
const MAC_LENGTH = 32;
const PURPOSE = Buffer.from("passport-sshkey sshsig-token v1", "utf8");
/** Longest token text looked at: usernames, fingerprints and key ids are short, so anything longer is not ours. */
const MAX_TOKEN_CHARS = 1024;
const base64Url = /^[A-Za-z0-9_-]+$/;

/** The MAC keys, current first: one per accepted crtauth secret. */
export function sshsigTokenKeys(secrets: CrtauthSecrets): Buffer[] {
  return secretList(secrets).map((secret) => hmac("sha256", secret, PURPOSE));
}

export function encodeSshsigToken(fields: SshsigTokenFields, key: Buffer): string {
  const body = Buffer.concat([
    Buffer.from([VERSION]),
    sshUint32(fields.issuedAt),
    sshUint32(fields.expiresAt),
    sshString(fields.username),
    sshString(fields.fingerprint),
    sshString(fields.keyId),
  ]);
  return encodeBase64Url(Buffer.concat([body, hmac("sha256", key, body)]));
}

/**
 * Structure, then the MAC under any accepted key (constant time), then expiry at `nowMs`.
 * Throws AuthError only: malformed_token, unsupported_version, bad_signature, token_expired.
 */
export function decodeSshsigToken(text: string, keys: readonly Buffer[], nowMs: number): SshsigTokenFields {
  if (text.length > MAX_TOKEN_CHARS) throw malformed(`longer than ${MAX_TOKEN_CHARS} characters`);
  if (!base64Url.test(text)) throw malformed("not unpadded base64url");
  const bytes = Buffer.from(text, "base64url");
  if (encodeBase64Url(bytes) !== text) throw malformed("not canonical base64url");
  const reader = new SshReader(bytes, (fault) => malformed(fault.replace(/_/g, " ")));
  const version = reader.byte();
  if (version !== VERSION) throw new AuthError("unsupported_version", `SSHSIG token version ${version} is not supported (1)`);
  const issuedAt = reader.uint32();
  const expiresAt = reader.uint32();
  const username = utf8(reader.string());
  const fingerprint = utf8(reader.string());
  const keyId = utf8(reader.string());
  const signed = bytes.subarray(0, bytes.length - reader.remaining);
  const mac = reader.raw(MAC_LENGTH);
  reader.end();
  if (!macMatchesAny("sha256", keys, signed, mac)) {
    throw new AuthError("bad_signature", "SSHSIG token was not issued with this server's secret", { detail: { part: "token_hmac" } });
  }
  if (nowMs >= expiresAt * 1000) {
    throw clockRefusal(
      "token_expired",
      { subject: "SSHSIG token expiry", offsetSeconds: expiresAt - nowMs / 1000, nowMs, allowed: { behind: 0 } },
      { expiresAt },
    );
  }
  return { issuedAt, expiresAt, username, fingerprint, keyId };
}

function utf8(bytes: Buffer): string {
  const text = bytes.toString("utf8");
  if (text.length === 0 || !Buffer.from(text, "utf8").equals(bytes)) throw malformed("a field is empty or not UTF-8");
  return text;
}

function malformed(reason: string): AuthError {
  return new AuthError("malformed_token", `malformed SSHSIG token: ${reason}`);
}
