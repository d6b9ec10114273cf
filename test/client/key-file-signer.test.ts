import { execFileSync } from "node:child_process";
import crypto from "node:crypto";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ClientKeyError, loadKeyFileSigner, type ClientKeyErrorCode } from "../../strategy/client/index.js";
import { keygenFingerprint, makeTmpDir, nodePublicKeyFromPub, resave, sshKeygen, type KeyKind } from "../support/ssh-keygen.js";
import { PASSPHRASE, readText, verifySignerForm } from "./helpers.js";
import { fixtureKeyPair } from "../support/fixture-keys.js";
import { freshKeyPair } from "../support/fresh-keys.js";

const tmp = makeTmpDir("client-keyfile-");
afterAll(() => tmp.cleanup());

const kinds: KeyKind[] = ["rsa", "ed25519", "ecdsa256"];
const formats = ["RFC4716", "PEM", "PKCS8"] as const; // RFC4716 = OpenSSH's own private key format
const base: Partial<Record<KeyKind, string>> = {};

beforeAll(() => {
  for (const kind of kinds) base[kind] = sshKeygen(tmp.dir, kind, kind);
});

async function expectCode(p: Promise<unknown>, code: ClientKeyErrorCode): Promise<ClientKeyError> {
  const err = await p.then(
    () => {
      throw new Error(`expected ${code}, got success`);
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ClientKeyError);
  expect((err as ClientKeyError).code).toBe(code);
  return err as ClientKeyError;
}

/** Errors must not carry the passphrase or any line of the key file. */
function expectNoSecrets(err: ClientKeyError, keyText: string): void {
  const shown = `${err.message} ${JSON.stringify(err.detail ?? {})} ${String(err.stack)} ${String(err.cause)}`;
  expect(shown).not.toContain(PASSPHRASE);
  for (const line of keyText.split("\n")) {
    if (line.length > 20 && !line.startsWith("-----") && !line.includes(":")) expect(shown).not.toContain(line);
  }
}

describe("loadKeyFileSigner: ssh-keygen keys in every format", () => {
  for (const kind of kinds) {
    for (const format of formats) {
      for (const encrypted of [false, true]) {
        it(`${kind} -m ${format}${encrypted ? " encrypted" : ""}`, async () => {
          const file = resave(base[kind]!, path.join(tmp.dir, `${kind}-${format}-${encrypted}`), format, encrypted ? PASSPHRASE : "");
          const signer = await loadKeyFileSigner(file, encrypted ? { passphrase: PASSPHRASE } : {});
          expect(signer.source).toBe("key-file");
          expect(signer.publicKey.fingerprintSha256).toBe(keygenFingerprint(`${file}.pub`));
          const independent = nodePublicKeyFromPub(`${file}.pub`);
          const data = crypto.randomBytes(100);
          const hashes = kind === "rsa" ? (["sha1", "sha256", "sha384", "sha512"] as const) : ([undefined] as const);
          for (const rsaHash of hashes) {
            const sig = await signer.sign(data, rsaHash ? { rsaHash } : {});
            expect(verifySignerForm(signer.publicKey, data, sig, rsaHash)).toBe(true);
            if (kind === "ecdsa256") {
              expect(sig.length).toBe(64);
              expect(crypto.verify("sha256", data, { key: independent, dsaEncoding: "ieee-p1363" }, sig)).toBe(true);
            } else {
              expect(sig.length).toBe(kind === "rsa" ? 384 : 64);
              expect(crypto.verify(kind === "rsa" ? rsaHash! : null, data, independent, sig)).toBe(true);
            }
          }
          signer.close();
          signer.close(); // idempotent
          await expect(signer.sign(data)).rejects.toThrow(/closed/);
        });
      }
    }
  }

  it("keeps the OpenSSH comment", async () => {
    const signer = await loadKeyFileSigner(base.ed25519!);
    expect(signer.publicKey.comment).toBe("ed25519@test");
  });

  it("accepts { text } as well as a path", async () => {
    const signer = await loadKeyFileSigner({ text: readText(base.ed25519!) });
    expect(signer.publicKey.fingerprintSha256).toBe(keygenFingerprint(`${base.ed25519!}.pub`));
  });

  it.each(["ecdsa384", "ecdsa521"] as const)("%s works too", async (kind) => {
    const file = sshKeygen(tmp.dir, kind, kind);
    const signer = await loadKeyFileSigner(file);
    const data = Buffer.from("hello");
    const sig = await signer.sign(data);
    expect(sig.length).toBe(kind === "ecdsa384" ? 96 : 132);
    expect(verifySignerForm(signer.publicKey, data, sig)).toBe(true);
  });

  it("reads node-written PKCS#8 (plain and encrypted) and PKCS#1", async () => {
    const { privateKey: ed } = freshKeyPair("ed25519");
    const { privateKey: rsa } = fixtureKeyPair("rsa2048-a");
    const texts = [
      { text: ed.export({ type: "pkcs8", format: "pem" }) as string },
      { text: ed.export({ type: "pkcs8", format: "pem", cipher: "aes-256-cbc", passphrase: PASSPHRASE }) as string, passphrase: PASSPHRASE },
      { text: rsa.export({ type: "pkcs1", format: "pem" }) as string },
    ];
    for (const { text, passphrase } of texts) {
      const signer = await loadKeyFileSigner({ text }, passphrase ? { passphrase } : {});
      const sig = await signer.sign(Buffer.from("x"), { rsaHash: "sha512" });
      expect(verifySignerForm(signer.publicKey, Buffer.from("x"), sig, "sha512")).toBe(true);
    }
  });
});

describe("loadKeyFileSigner errors", () => {
  for (const format of formats) {
    it(`missing and wrong passphrase (-m ${format})`, async () => {
      const file = resave(base.ecdsa256!, path.join(tmp.dir, `err-${format}`), format, PASSPHRASE);
      const text = readText(file);
      expectNoSecrets(await expectCode(loadKeyFileSigner(file), "passphrase_required"), text);
      expectNoSecrets(await expectCode(loadKeyFileSigner(file, { passphrase: "not-it" }), "bad_passphrase"), text);
      expectNoSecrets(await expectCode(loadKeyFileSigner({ text }, { passphrase: "" }), "bad_passphrase"), text);
    });
  }

  it("an unencrypted key ignores a passphrase", async () => {
    await expect(loadKeyFileSigner(base.rsa!, { passphrase: "whatever" })).resolves.toBeDefined();
  });

  it("garbage", async () => {
    const file = path.join(tmp.dir, "garbage");
    writeFileSync(file, "this is not a key\n");
    await expectCode(loadKeyFileSigner(file), "invalid_key");
    await expectCode(loadKeyFileSigner({ text: Buffer.from([0, 1, 2, 3]) }), "invalid_key");
    const broken = "-----BEGIN OPENSSH PRIVATE KEY-----\nAAAAAAAA\n-----END OPENSSH PRIVATE KEY-----\n";
    await expectCode(loadKeyFileSigner({ text: broken }), "invalid_key");
    const brokenPem = "-----BEGIN PRIVATE KEY-----\nMIIBAAAA\n-----END PRIVATE KEY-----\n";
    await expectCode(loadKeyFileSigner({ text: brokenPem }), "invalid_key");
  });

  it("a public key instead of a private one", async () => {
    const err = await expectCode(loadKeyFileSigner(`${base.rsa!}.pub`), "invalid_key");
    expect(err.message).toMatch(/public key/);
  });

  it("a missing file", async () => {
    await expectCode(loadKeyFileSigner(path.join(tmp.dir, "nope")), "key_unreadable");
  });

  it("unsupported key types", async () => {
    const { privateKey: x } = freshKeyPair("x25519");
    await expectCode(loadKeyFileSigner({ text: x.export({ type: "pkcs8", format: "pem" }) as string }), "unsupported_key");
    const { privateKey: k1 } = freshKeyPair("ec", { namedCurve: "secp256k1" });
    await expectCode(loadKeyFileSigner({ text: k1.export({ type: "sec1", format: "pem" }) as string }), "unsupported_key");
    const { privateKey: dsa } = fixtureKeyPair("dsa2048");
    await expectCode(loadKeyFileSigner({ text: dsa.export({ type: "pkcs8", format: "pem" }) as string }), "unsupported_key");
    await expectCode(loadKeyFileSigner({ text: "PuTTY-User-Key-File-3: ssh-ed25519\n" }), "unsupported_key");
  });

  it("OpenSSH-format DSA key, and a cipher we cannot decrypt", async () => {
    const dsa = path.join(tmp.dir, "id_dsa");
    execFileSync("ssh-keygen", ["-q", "-t", "dsa", "-N", "", "-f", dsa], { stdio: "ignore" });
    const err = await expectCode(loadKeyFileSigner(dsa), "unsupported_key");
    expect(err.message).toContain("ssh-dss");
    const chacha = path.join(tmp.dir, "id_chacha");
    execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", PASSPHRASE, "-Z", "chacha20-poly1305@openssh.com", "-f", chacha], {
      stdio: "ignore",
    });
    await expectCode(loadKeyFileSigner(chacha, { passphrase: PASSPHRASE }), "unsupported_key");
  });

  it("an RSA key below the 2048-bit policy", async () => {
    const { privateKey } = freshKeyPair("rsa", { modulusLength: 1024 });
    await expectCode(loadKeyFileSigner({ text: privateKey.export({ type: "pkcs1", format: "pem" }) as string }), "unsupported_key");
  });
});

describe("~ in key paths", () => {
  it("loadKeyFileSigner reads ~/… from the home folder (HOME), as the shell would", async () => {
    const saved = process.env.HOME;
    process.env.HOME = tmp.dir;
    try {
      const signer = await loadKeyFileSigner("~/ed25519");
      expect(signer.publicKey.fingerprintSha256).toBe(keygenFingerprint(`${base.ed25519}.pub`));
      signer.close();
      // Only a leading "~/" means home; elsewhere "~" is an ordinary character.
      await expectCode(loadKeyFileSigner(path.join(tmp.dir, "~/ed25519")), "key_unreadable");
    } finally {
      process.env.HOME = saved;
    }
  });
});
