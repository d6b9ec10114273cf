import crypto from "node:crypto";
import { sshKeyType, sshRsaSignatures, type EcdsaHash } from "../keys/algorithms.js";
import { sshMpint, sshString } from "../keys/wire.js";
import type { ParsedPublicKey } from "../keys/types.js";
import type { RsaHash, Signer } from "./signer.js";

/**
 * RSA hashes our own signers accept. `Signer` (signer.ts) only promises sha1/sha256/sha512,
 * the three an ssh-agent can do; a key file can also do sha384 (for RS384 JWTs), so the
 * signers made here advertise what they can do in `rsaHashes`.
 */
export type ClientRsaHash = RsaHash | "sha384";

/** A Signer as made by this folder; assignable to `Signer`. */
export interface ClientSigner extends Signer {
  /** Where the private key lives. */
  readonly source: "key-file" | "agent";
  /** RSA hashes `sign` accepts for this signer (empty for non-RSA keys). */
  readonly rsaHashes: readonly ClientRsaHash[];
  sign(data: Buffer, options?: { rsaHash?: ClientRsaHash }): Promise<Buffer>;
}

/** Does this signer accept `hash`? Plain Signers are assumed to accept the three of RsaHash. */
export function signerSupportsRsaHash(signer: Signer, hash: ClientRsaHash): boolean {
  const declared = (signer as Partial<ClientSigner>).rsaHashes;
  if (Array.isArray(declared)) return declared.includes(hash);
  return hash !== "sha384";
}

/** The digest and r/s length of an ECDSA key's signatures, from the one table. */
export function ecdsaParameters(key: Pick<ParsedPublicKey, "type">): { hash: EcdsaHash; scalarBytes: number } {
  const parameters = sshKeyType(key.type).ecdsa;
  if (!parameters) throw new TypeError(`${key.type} is not an ECDSA key type`);
  return parameters;
}

/** Byte length of an RSA modulus. */
export function rsaModulusBytes(key: ParsedPublicKey): number {
  const bits = key.keyObject.asymmetricKeyDetails?.modulusLength ?? key.bits;
  return Math.ceil(bits / 8);
}

/** Big-endian unsigned integer bytes → exactly `len` bytes (strip sign zeros / left-pad). */
export function fixedLength(value: Buffer, len: number): Buffer {
  let v = value;
  while (v.length > len && v[0] === 0) v = v.subarray(1);
  if (v.length > len) throw new RangeError(`integer longer than ${len} bytes`);
  if (v.length === len) return Buffer.from(v);
  return Buffer.concat([Buffer.alloc(len - v.length), v]);
}

/**
 * Check a signature in the normalised Signer form against the public key with node:crypto.
 * `rsaHash` is used for RSA only.
 */
export function verifyNormalised(key: ParsedPublicKey, data: Buffer, signature: Buffer, rsaHash: ClientRsaHash = "sha256"): boolean {
  try {
    if (key.type === "ssh-ed25519") return crypto.verify(null, data, key.keyObject, signature);
    if (key.type === "ssh-rsa") return crypto.verify(rsaHash, data, key.keyObject, signature);
    return crypto.verify(ecdsaParameters(key).hash, data, { key: key.keyObject, dsaEncoding: "ieee-p1363" }, signature);
  } catch {
    return false;
  }
}

/**
 * A signature in the Signer form → the SSH signature blob (string algorithm, string data) that
 * `ssh-keygen` and the server read: RSA names its hash (`rsa-sha2-512`), ECDSA is mpint r, mpint s.
 * A security key's signature already is that blob, its flags and counter after it.
 */
export function sshSignatureBlob(key: ParsedPublicKey, signature: Buffer, rsaHash: RsaHash): Buffer {
  if (sshKeyType(key.type).securityKey) return signature;
  if (key.type === "ssh-rsa") return Buffer.concat([sshString(sshRsaSignatures[rsaHash].algorithm), sshString(signature)]);
  if (key.type === "ssh-ed25519") return Buffer.concat([sshString(key.type), sshString(signature)]);
  const half = ecdsaParameters(key).scalarBytes;
  return Buffer.concat([sshString(key.type), sshString(Buffer.concat([sshMpint(signature.subarray(0, half)), sshMpint(signature.subarray(half))]))]);
}
