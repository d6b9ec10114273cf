import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parsePublicKey } from "../../strategy/keys/index.js";
import { formatSha256Fingerprint } from "../../strategy/keys/fingerprint.js";
import { KeyDir } from "../support/ssh-keygen.js";

const keys = new KeyDir();
afterAll(() => keys.cleanup());

// 4096 is generated once for the whole run, here only: it is slow on two cores.
const cases = [
  { name: "rsa2048", type: "rsa", extra: ["-b", "2048"], bits: 2048 },
  { name: "rsa3072", type: "rsa", extra: ["-b", "3072"], bits: 3072 },
  { name: "rsa4096", type: "rsa", extra: ["-b", "4096"], bits: 4096 },
  { name: "ed25519", type: "ed25519", extra: [], bits: 256 },
  { name: "ecdsa256", type: "ecdsa", extra: ["-b", "256"], bits: 256 },
  { name: "ecdsa384", type: "ecdsa", extra: ["-b", "384"], bits: 384 },
  { name: "ecdsa521", type: "ecdsa", extra: ["-b", "521"], bits: 521 },
] as const;

beforeAll(() => {
  for (const c of cases) keys.sshKeygen(c.name, c.type, [...c.extra]);
});

describe("fingerprints match ssh-keygen byte for byte", () => {
  for (const c of cases) {
    it(c.name, () => {
      const key = parsePublicKey(keys.read(`${c.name}.pub`));
      const sha = keys.fingerprint(`${c.name}.pub`, "sha256");
      const md5 = keys.fingerprint(`${c.name}.pub`, "md5");
      expect(key.fingerprintSha256).toBe(sha.fingerprint);
      expect(`MD5:${key.fingerprintMd5}`).toBe(md5.fingerprint);
      expect(key.bits).toBe(sha.bits);
      expect(key.bits).toBe(c.bits);
      expect(key.comment).toBe(`${c.name}@test`);
    });
  }
});

describe("crtauth fingerprint", () => {
  it("is the first 6 bytes of SHA-1 over the blob, for RSA only", () => {
    const text = keys.read("rsa2048.pub");
    const blob = Buffer.from(text.split(" ")[1] ?? "", "base64");
    const key = parsePublicKey(text);
    expect(key.crtauthFingerprint).toBe(createHash("sha1").update(blob).digest("hex").slice(0, 12));
    expect(parsePublicKey(keys.read("ed25519.pub")).crtauthFingerprint).toBeNull();
    expect(parsePublicKey(keys.read("ecdsa256.pub")).crtauthFingerprint).toBeNull();
  });
});

describe("kid (asymmetric-jwt-auth)", () => {
  const fixture = (path: string) => readFileSync(new URL(`../fixtures/keys/${path}`, import.meta.url), "utf8");

  it.each([
    ["ajwt/rsa2048.pub", "e9323344a9950443fe2c482f3f020990b81d80cfea4ede353ca5d8299a527ece"],
    ["ajwt/rsa2048.pub.pem", "e9323344a9950443fe2c482f3f020990b81d80cfea4ede353ca5d8299a527ece"],
    ["ajwt/ed25519.pub", "14b0c1dd680f6940d6b0a8e77083dc8977bdcd9dd380ce9cfe3968df5bedb585"],
    ["ajwt/ed25519.pub.pem", "14b0c1dd680f6940d6b0a8e77083dc8977bdcd9dd380ce9cfe3968df5bedb585"],
  ])("%s → %s", (path, kid) => {
    expect(parsePublicKey(fixture(path)).kid).toBe(kid);
  });

  it("is SHA-256 of the SPKI PEM that ssh-keygen -e -m PKCS8 prints", () => {
    for (const name of ["rsa2048", "rsa3072", "ecdsa256", "ecdsa384", "ecdsa521"]) {
      const pem = keys.run("ssh-keygen", ["-e", "-m", "PKCS8", "-f", keys.path(`${name}.pub`)]);
      expect(parsePublicKey(keys.read(`${name}.pub`)).kid, name).toBe(createHash("sha256").update(pem).digest("hex"));
    }
  });
});

describe("SHA-256 fingerprint of a raw digest", () => {
  it("is the text ssh-keygen prints for the blob it was taken over", () => {
    for (const name of ["ed25519", "ecdsa256", "rsa2048"]) {
      const key = parsePublicKey(keys.read(`${name}.pub`));
      const digest = createHash("sha256").update(key.blob).digest();
      expect(formatSha256Fingerprint(digest)).toBe(keys.fingerprint(`${name}.pub`, "sha256").fingerprint);
      // A view into a larger buffer formats only the bytes it covers.
      expect(formatSha256Fingerprint(Buffer.concat([Buffer.alloc(3), digest]).subarray(3))).toBe(key.fingerprintSha256);
    }
  });
});
