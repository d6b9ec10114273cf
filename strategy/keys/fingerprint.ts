import { createHash, type KeyObject } from "node:crypto";

/** `SHA256:<base64, no padding>` of a wire blob, as `ssh-keygen -lf` prints it. */
export function fingerprintSha256(blob: Uint8Array): string {
  return formatSha256Fingerprint(createHash("sha256").update(blob).digest());
}

/** The same text for a SHA-256 digest already in hand (sshauth tokens carry the raw 32 bytes). */
export function formatSha256Fingerprint(digest: Uint8Array): string {
  return "SHA256:" + Buffer.from(digest.buffer, digest.byteOffset, digest.byteLength).toString("base64").replace(/=+$/, "");
}

/** `SHA1:<base64, no padding>` of a wire blob, as `ssh-keygen -E sha1 -lf` prints it (KRLs may revoke keys by it). */
export function fingerprintSha1(blob: Uint8Array): string {
  return "SHA1:" + createHash("sha1").update(blob).digest("base64").replace(/=+$/, "");
}

/** Colon-separated lowercase hex, as `ssh-keygen -E md5 -lf` prints it after "MD5:". */
export function fingerprintMd5(blob: Buffer): string {
  return createHash("md5")
    .update(blob)
    .digest("hex")
    .replace(/(..)(?!$)/g, "$1:");
}

/**
 * asymmetric-jwt-auth's kid: SHA-256 hex of the SPKI PEM text. Node's PEM output
 * (64-column lines, trailing newline) is byte-identical to Python cryptography's.
 */
export function keyId(keyObject: KeyObject): string {
  const pem = keyObject.export({ type: "spki", format: "pem" });
  return createHash("sha256").update(pem).digest("hex");
}

/** crtauth's key hint: the first 6 bytes of SHA-1 over the wire blob, in hex. */
export function crtauthFingerprint(blob: Buffer): string {
  return createHash("sha1").update(blob).digest().subarray(0, 6).toString("hex");
}
