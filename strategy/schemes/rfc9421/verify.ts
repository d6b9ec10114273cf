import { sshKeyType } from "../../keys/algorithms.js";
import { sshSignatureVerifies, type PreparedSshSignature } from "../../keys/ssh-signature.js";
import type { ParsedPublicKey, SshKeyType } from "../../keys/types.js";

/** RSA below this many bits is refused, whatever the store holds (keys/policy.ts refuses it at registration too). */
const minRsaBits = 2048;

/**
 * An RFC 9421 signature in node:crypto's terms for the key that is to verify it, or null when
 * the key cannot (no registered alg, RSA too short, the wrong length for the curve).
 * Ed25519 signs the base itself; ECDSA's signature is r‖s of fixed length (§3.3.4, IEEE
 * P1363); RSA is PKCS#1 v1.5 over SHA-256 (§3.3.2).
 */
export function httpSignatureFor(key: Pick<ParsedPublicKey, "type" | "bits">, signature: Buffer): PreparedSshSignature | null {
  const info = sshKeyType(key.type);
  const algorithm = info.httpSignatureAlg;
  if (algorithm === null) return null;
  if (info.family === "ed25519") return signature.length === 64 ? { algorithm, digest: null, bytes: signature, ecdsa: false } : null;
  if (info.family === "ecdsa") {
    const { hash, scalarBytes } = info.ecdsa!;
    return signature.length === 2 * scalarBytes ? { algorithm, digest: hash, bytes: signature, ecdsa: true } : null;
  }
  return key.bits >= minRsaBits ? { algorithm, digest: "sha256", bytes: signature, ecdsa: false } : null;
}

/** A key of `type` of the smallest accepted size, for the decoy check of a signature whose key is not stored. */
export function decoyShape(type: SshKeyType): Pick<ParsedPublicKey, "type" | "bits"> {
  return { type, bits: minRsaBits };
}

/** Does `signature` verify over `base` with `key`, by the key type's own RFC 9421 algorithm? */
export function httpSignatureVerifies(key: ParsedPublicKey, base: string, signature: Buffer): boolean {
  const prepared = httpSignatureFor(key, signature);
  return prepared !== null && sshSignatureVerifies(Buffer.from(base), key.keyObject, prepared);
}
