// Fixed key pairs for tests that need a key of some size, not a new one: generating RSA and
// DSA keys takes from a tenth of a second to seconds each on a busy machine (one 4096-bit key
// took 24 s). The PEM files in test/fixtures/keys/node/ were made once with node:crypto's
// generateKeyPairSync (PKCS#8); use freshKeyPair where a test needs a key nobody has seen.
import { createPrivateKey, createPublicKey, type KeyObject } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import sshpk from "sshpk";

/** rsa2048-a … rsa2048-h are eight different keys, for tests that need several users' RSA keys. */
export type FixtureKeyName = `rsa2048-${"a" | "b" | "c" | "d" | "e" | "f" | "g" | "h"}` | "rsa3072" | "rsa4096" | "dsa2048";

const folder = path.resolve(import.meta.dirname, "../fixtures/keys/node");

const pem = (name: FixtureKeyName) => readFileSync(path.join(folder, `${name}.pem`), "utf8");

export function fixtureKeyPair(name: FixtureKeyName): { publicKey: KeyObject; privateKey: KeyObject } {
  const privateKey = createPrivateKey(pem(name));
  return { publicKey: createPublicKey(privateKey), privateKey };
}

/**
 * Writes fixture key `name` where ssh-keygen would: `file` as an unencrypted OpenSSH private key
 * (mode 600, which ssh-add insists on) and `file.pub` with `comment`.
 */
export function writeFixtureKeyFile(name: FixtureKeyName, file: string, comment: string): { key: string; pub: string } {
  const key = sshpk.parsePrivateKey(pem(name), "pem");
  key.comment = comment;
  const pub = `${key.toPublic().toString("ssh")}\n`;
  writeFileSync(file, key.toString("ssh"), { mode: 0o600 });
  writeFileSync(`${file}.pub`, pub);
  return { key: file, pub };
}
