import { verify } from "node:crypto";
import type { ParsedPublicKey } from "../../keys/types.js";

/**
 * RSASSA-PKCS1-v1_5 with SHA-1 over `data`, the only signature crtauth knows.
 *
 * Python's key-file signer returns `s` as a minimal big-endian integer, so about one
 * signature in 256 is a byte short (one in 65536 two bytes). OpenSSL insists on
 * modulus-length signatures, so shorter ones are left-padded with zeros first: the
 * same integer, and what the Python server effectively does. Longer ones are refused
 * (Python would reduce them mod n; that malleability is not copied).
 */
export function verifyRsaSha1(key: ParsedPublicKey, data: Uint8Array, signature: Buffer): boolean {
  if (key.type !== "ssh-rsa") return false;
  const bits = key.keyObject.asymmetricKeyDetails?.modulusLength;
  if (bits === undefined) return false;
  const size = Math.ceil(bits / 8);
  if (signature.length === 0 || signature.length > size) return false;
  const padded = signature.length === size ? signature : Buffer.concat([Buffer.alloc(size - signature.length), signature]);
  // Not wrapped in try/catch: with a full-length signature and an RSA key, verify only
  // throws on an environment fault (e.g. an OpenSSL policy that forbids SHA-1), which
  // is an infrastructure error, not a bad credential.
  return verify("sha1", data, key.keyObject, padded);
}
