import { sshKeyType, type SshKeyTypeInfo } from "../keys/algorithms.js";
import type { ParsedPublicKey } from "../keys/types.js";
import { ecdsaParameters, rsaModulusBytes } from "./signature.js";
import type { Signer } from "./signer.js";

type HttpSignatureAlgName = NonNullable<SshKeyTypeInfo["httpSignatureAlg"]>;

/**
 * The RFC 9421 `alg` a key signs with, from the one key-type table. P-521 has no registered
 * algorithm (§6.2 registers P-256 and P-384 only) and a security key signs a FIDO assertion,
 * not the signature base: both are a TypeError naming the keys that can.
 */
export function httpSignatureAlgOf(key: Pick<ParsedPublicKey, "type" | "fingerprintSha256">): HttpSignatureAlgName {
  const alg = sshKeyType(key.type).httpSignatureAlg;
  if (alg === null) {
    throw new TypeError(`RFC 9421 has no registered algorithm for ${key.type} (${key.fingerprintSha256}): sign with an Ed25519, ECDSA P-256/P-384 or RSA key`);
  }
  return alg;
}

/**
 * The SSH key's signature over `base` in the form RFC 9421 §3.3 puts in `Signature`. A Signer
 * already answers one normalised form per key type (signer.ts: the agent's mpint r, mpint s
 * become r‖s there), which is what RFC 9421 registers: Ed25519 the raw 64 bytes, ECDSA the
 * fixed-length r‖s (32 + 32 bytes for P-256, 48 + 48 for P-384), RSA PKCS#1 v1.5 over SHA-256 —
 * asked of an ssh-agent with its rsa-sha2-256 flag. The length is checked here once more, so a
 * signer of another making cannot put a DER or SSH-framed signature on the wire.
 */
export async function httpSignature(signer: Signer, base: Buffer): Promise<{ alg: HttpSignatureAlgName; signature: Buffer }> {
  const key = signer.publicKey;
  const alg = httpSignatureAlgOf(key);
  const signature = await signer.sign(base, { rsaHash: "sha256" });
  const expected = key.type === "ssh-rsa" ? rsaModulusBytes(key) : key.type === "ssh-ed25519" ? 64 : 2 * ecdsaParameters(key).scalarBytes;
  if (signature.length !== expected)
    throw new TypeError(`the signer answered a ${signature.length}-byte ${key.type} signature; RFC 9421 ${alg} is ${expected} bytes`);
  return { alg, signature };
}
