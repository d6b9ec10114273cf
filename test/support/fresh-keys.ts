// Key pairs for tests and the bench, generated to PEM and imported again. Exporting a
// KeyObject that generateKeyPairSync returned can deadlock Node 20: the export allocates
// while holding the key's mutex, and a GC that finalises the generating KeyGenJob takes the
// same mutex (it hung a benchmark run). Imported keys share no mutex with a job.
import crypto, { type KeyObject } from "node:crypto";

export type FreshKeyType = "rsa" | "rsa-pss" | "ec" | "ed25519" | "ed448" | "x25519" | "dsa";

export function freshKeyPair(type: FreshKeyType, options: Record<string, unknown> = {}): { publicKey: KeyObject; privateKey: KeyObject } {
  const generate = crypto.generateKeyPairSync as unknown as (type: string, options: object) => { publicKey: string; privateKey: string };
  const pem = generate(type, {
    ...options,
    publicKeyEncoding: { type: "spki", format: "pem" },
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
  });
  return { publicKey: crypto.createPublicKey(pem.publicKey), privateKey: crypto.createPrivateKey(pem.privateKey) };
}
