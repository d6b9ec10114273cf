import { verify as cryptoVerify, type KeyObject } from "node:crypto";
import { sshKeyType } from "./algorithms.js";
import type { SshKeyType } from "./types.js";
import { SshReader } from "./wire.js";

/** Why an SSH signature blob was not accepted, before any cryptography. */
export type SshSignatureFault = "malformed" | "sha1" | "type_mismatch";

/** An SSH signature (RFC 4253 §6.6 `string algorithm, string signature`) in node:crypto's terms. */
export interface PreparedSshSignature {
  readonly algorithm: string;
  readonly digest: "sha256" | "sha384" | "sha512" | null;
  readonly bytes: Buffer;
  readonly ecdsa: boolean;
}

/**
 * Checks a signature's algorithm against the signing key's type and converts it for
 * node:crypto. RSA: rsa-sha2-256 and rsa-sha2-512 only; ssh-rsa (SHA-1) is "sha1".
 * ECDSA: RFC 5656's digest for the curve and `mpint r, mpint s` as IEEE P1363.
 */
export function prepareSshSignature(keyType: SshKeyType, algorithm: string, data: Buffer): PreparedSshSignature | SshSignatureFault {
  const info = sshKeyType(keyType);
  if (info.family === "rsa") {
    if (algorithm === "ssh-rsa") return "sha1";
    if (algorithm === "rsa-sha2-256") return { algorithm, digest: "sha256", bytes: data, ecdsa: false };
    if (algorithm === "rsa-sha2-512") return { algorithm, digest: "sha512", bytes: data, ecdsa: false };
    return "type_mismatch";
  }
  if (algorithm !== keyType) return "type_mismatch";
  if (info.family === "ed25519") return data.length === 64 ? { algorithm, digest: null, bytes: data, ecdsa: false } : "malformed";
  const size = info.ecdsa!.scalarBytes;
  try {
    const reader = new SshReader(data);
    const r = reader.mpint();
    const s = reader.mpint();
    reader.end();
    if (r.length === 0 || s.length === 0 || r.length > size || s.length > size) return "malformed";
    const bytes = Buffer.alloc(2 * size);
    r.copy(bytes, size - r.length);
    s.copy(bytes, 2 * size - s.length);
    return { algorithm, digest: info.ecdsa!.hash, bytes, ecdsa: true };
  } catch {
    return "malformed";
  }
}

/** Splits a signature blob into its algorithm name and bytes; null when it is not one. */
export function splitSshSignature(blob: Buffer): { algorithm: string; data: Buffer } | null {
  try {
    const reader = new SshReader(blob);
    const algorithm = reader.name();
    const data = reader.string();
    reader.end();
    return { algorithm, data };
  } catch {
    return null;
  }
}

export function sshSignatureVerifies(data: Buffer, key: KeyObject, signature: PreparedSshSignature): boolean {
  try {
    return signature.ecdsa
      ? cryptoVerify(signature.digest, data, { key, dsaEncoding: "ieee-p1363" }, signature.bytes)
      : cryptoVerify(signature.digest, data, key, signature.bytes);
  } catch {
    return false;
  }
}
