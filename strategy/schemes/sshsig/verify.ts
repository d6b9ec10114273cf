import { verify as cryptoVerify, type KeyObject } from "node:crypto";
import { AuthError } from "../../errors.js";
import { isSshKeyType, sshKeyType } from "../../keys/algorithms.js";
import { SshReader } from "../../keys/wire.js";
import type { SshsigBlob } from "./blob.js";
import { readFidoAssertion, type FidoAssertion } from "./security-key.js";

function malformed(reason: string): AuthError {
  return new AuthError("malformed_token", `invalid SSHSIG signature: ${reason}`, { detail: { reason } });
}

/** What node:crypto verifies: its digest (null for Ed25519) and the signature bytes in its form. */
export interface PreparedSignature {
  readonly digest: "sha256" | "sha384" | "sha512" | null;
  readonly bytes: Buffer;
  readonly ecdsa: boolean;
  /** A security key's flags and counter; null for plain keys. */
  readonly fido: FidoAssertion | null;
}

/**
 * Checks the inner signature's algorithm against the key type and puts it in node:crypto's
 * form. RSA: rsa-sha2-256 and rsa-sha2-512 only (ssh-rsa, SHA-1, is refused). A security
 * key's signature is its plain key's, followed by the authenticator's flags and counter.
 */
export function prepareSignature(blob: SshsigBlob): PreparedSignature {
  const type = blob.keyType;
  if (!isSshKeyType(type)) throw malformed(`key type ${type}`);
  const info = sshKeyType(type);
  const fido = info.securityKey ? readFidoAssertion(blob.signatureTrailer) : null;
  if (fido === null && blob.signatureTrailer.length > 0) throw malformed("bytes after the signature");
  if (info.family === "rsa") {
    if (blob.signatureType === "ssh-rsa") {
      throw new AuthError("alg_not_allowed", "SSHSIG: ssh-rsa (SHA-1) signatures are refused; sign with rsa-sha2-256 or rsa-sha2-512");
    }
    if (blob.signatureType === "rsa-sha2-256") return { digest: "sha256", bytes: blob.signatureData, ecdsa: false, fido };
    if (blob.signatureType === "rsa-sha2-512") return { digest: "sha512", bytes: blob.signatureData, ecdsa: false, fido };
    throw malformed(`signature type ${blob.signatureType} for an RSA key`);
  }
  if (blob.signatureType !== type) throw malformed(`signature type ${blob.signatureType} for a ${type} key`);
  if (info.family === "ed25519") {
    if (blob.signatureData.length !== 64) throw malformed("an Ed25519 signature is 64 bytes");
    return { digest: null, bytes: blob.signatureData, ecdsa: false, fido };
  }
  const size = info.ecdsa!.scalarBytes;
  const reader = new SshReader(blob.signatureData, () => malformed("ECDSA r, s"));
  const r = reader.mpint();
  const s = reader.mpint();
  reader.end();
  if (r.length === 0 || s.length === 0 || r.length > size || s.length > size) throw malformed("ECDSA r, s out of range");
  const bytes = Buffer.alloc(2 * size);
  r.copy(bytes, size - r.length);
  s.copy(bytes, 2 * size - s.length);
  return { digest: info.ecdsa!.hash, bytes, ecdsa: true, fido };
}

export function signatureVerifies(data: Buffer, key: KeyObject, signature: PreparedSignature): boolean {
  try {
    return signature.ecdsa
      ? cryptoVerify(signature.digest, data, { key, dsaEncoding: "ieee-p1363" }, signature.bytes)
      : cryptoVerify(signature.digest, data, key, signature.bytes);
  } catch {
    return false;
  }
}
