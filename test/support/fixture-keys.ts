// Fixed key pairs for tests that need a key of some size, not a new one: generating RSA and
// DSA keys takes from a tenth of a second to seconds each on a busy machine (one 4096-bit key
// took 24 s).
// The PEM files in test/fixtures/keys/node/ were made once with node:crypto's
// generateKeyPairSync (PKCS#8); use freshKeyPair where a test needs a key nobody has seen.
import { createPrivateKey, createPublicKey, type KeyObject } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";

/** rsa2048-a and rsa2048-b are two different keys, for tests that need "some other RSA key". */
export type FixtureKeyName = "rsa2048-a" | "rsa2048-b" | "rsa3072" | "rsa4096" | "dsa2048";

const folder = path.resolve(import.meta.dirname, "../fixtures/keys/node");

export function fixtureKeyPair(name: FixtureKeyName): { publicKey: KeyObject; privateKey: KeyObject } {
  const privateKey = createPrivateKey(readFileSync(path.join(folder, `${name}.pem`), "utf8"));
  return { publicKey: createPublicKey(privateKey), privateKey };
}
