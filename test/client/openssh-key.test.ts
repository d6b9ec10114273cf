// The own reader of unencrypted OpenSSH private keys (client/openssh-key.ts): every key type
// against sshpk's reading of the same file, then damaged and hostile files built from real ones.
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import sshpk from "sshpk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ClientKeyError, loadKeyFileSigner, type ClientKeyErrorCode } from "../../strategy/client/index.js";
import { SshReader, sshString, sshUint32 } from "../../strategy/keys/wire.js";
import { makeTmpDir, sshKeygen, type KeyKind } from "../support/ssh-keygen.js";
import { fixtures } from "../support/forge-jwt.js";

const tmp = makeTmpDir("client-openssh-");
afterAll(() => tmp.cleanup());

const kinds: KeyKind[] = ["ed25519", "rsa", "ecdsa256", "ecdsa384", "ecdsa521"];
/** Two fresh files per kind (A and B), for mixing halves of different keys. */
const files: Record<string, [string, string]> = {};
beforeAll(() => {
  for (const kind of kinds)
    files[kind] = [fs.readFileSync(sshKeygen(tmp.dir, `${kind}-a`, kind), "utf8"), fs.readFileSync(sshKeygen(tmp.dir, `${kind}-b`, kind), "utf8")];
});

const fixtureFiles = ["ajwt/ed25519_openssh", "sshauth/ed25519", "sshauth/ecdsa256"].map((name) => path.join(fixtures, "keys", name));

async function expectSame(text: string): Promise<void> {
  const signer = await loadKeyFileSigner({ text });
  const theirs = sshpk.parsePrivateKey(text, "ssh-private");
  expect(signer.publicKey.blob.equals(Buffer.from(theirs.toPublic().toString("ssh").split(" ")[1]!, "base64"))).toBe(true);
  expect(signer.publicKey.fingerprintSha256).toBe(theirs.fingerprint("sha256").toString());
  expect(signer.publicKey.comment).toBe((theirs.comment ?? "").trim());
  // A signature of ours verifies under sshpk's public key.
  const data = Buffer.from("signed by the own reader");
  const signature = await signer.sign(data);
  const publicKey = crypto.createPublicKey(theirs.toPublic().toString("pkcs8"));
  const type = signer.publicKey.type;
  const ok =
    type === "ssh-ed25519"
      ? crypto.verify(null, data, publicKey, signature)
      : type === "ssh-rsa"
        ? crypto.verify("sha256", data, publicKey, signature)
        : crypto.verify(
            ({ "ecdsa-sha2-nistp256": "sha256", "ecdsa-sha2-nistp384": "sha384" } as Record<string, string>)[type] ?? "sha512",
            data,
            { key: publicKey, dsaEncoding: "ieee-p1363" },
            signature,
          );
  expect(ok).toBe(true);
  signer.close();
}

describe("unencrypted OpenSSH keys, read without sshpk", () => {
  it.each(kinds)("%s from ssh-keygen: the same key and comment as sshpk reads", async (kind) => {
    await expectSame(files[kind]![0]);
  });
  it.each(fixtureFiles)("fixture %s", async (file) => {
    await expectSame(fs.readFileSync(file, "utf8"));
  });
});

// ---- building files ----

interface KeyFile {
  cipher: string;
  kdf: string;
  kdfOptions: Buffer;
  nkeys: number;
  publicBlob: Buffer;
  section: Buffer;
  trailer: Buffer;
}

function parse(text: string): KeyFile {
  const body = Buffer.from(/-----BEGIN OPENSSH PRIVATE KEY-----([\s\S]*?)-----END/.exec(text)![1]!.replace(/\s+/g, ""), "base64");
  const r = new SshReader(body.subarray(15));
  const file = {
    cipher: r.text(),
    kdf: r.text(),
    kdfOptions: r.string(),
    nkeys: r.uint32(),
    publicBlob: r.string(),
    section: r.string(),
    trailer: Buffer.alloc(0),
  };
  return { ...file, trailer: r.raw(r.remaining) };
}

function encode(file: KeyFile, raw?: Buffer): string {
  const body =
    raw ??
    Buffer.concat([
      Buffer.from("openssh-key-v1\0", "latin1"),
      sshString(file.cipher),
      sshString(file.kdf),
      sshString(file.kdfOptions),
      sshUint32(file.nkeys),
      sshString(file.publicBlob),
      sshString(file.section),
      file.trailer,
    ]);
  const lines = body.toString("base64").match(/.{1,70}/g) ?? [];
  return `-----BEGIN OPENSSH PRIVATE KEY-----\n${lines.join("\n")}\n-----END OPENSSH PRIVATE KEY-----\n`;
}

/** The private section's fields as length-prefixed strings (mpints as their raw strings): check-ints apart. */
function fields(section: Buffer): { checks: [number, number]; parts: Buffer[]; rest: Buffer } {
  const r = new SshReader(section);
  const checks: [number, number] = [r.uint32(), r.uint32()];
  const parts: Buffer[] = [];
  const type = r.text();
  const count = type === "ssh-ed25519" ? 2 : type === "ssh-rsa" ? 6 : 3;
  parts.push(Buffer.from(type));
  for (let i = 0; i < count; i++) parts.push(r.string());
  parts.push(r.string()); // comment
  return { checks, parts, rest: r.raw(r.remaining) };
}

function section(checks: [number, number], parts: Buffer[], rest?: Buffer): Buffer {
  const body = Buffer.concat([sshUint32(checks[0]), sshUint32(checks[1]), ...parts.map((part) => sshString(part))]);
  const padding = rest ?? Buffer.from(Array.from({ length: (8 - (body.length % 8)) % 8 }, (_, i) => i + 1));
  return Buffer.concat([body, padding]);
}

async function expectCode(text: string, code: ClientKeyErrorCode, message?: RegExp): Promise<void> {
  const err = await loadKeyFileSigner({ text }).then(
    () => new Error("loaded"),
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ClientKeyError);
  expect((err as ClientKeyError).code).toBe(code);
  if (message) expect((err as ClientKeyError).message).toMatch(message);
}

describe("damaged and hostile OpenSSH key files", () => {
  it("check integers that differ", async () => {
    const file = parse(files.ed25519![0]);
    const { checks, parts } = fields(file.section);
    await expectCode(encode({ ...file, section: section([checks[0], checks[0] ^ 1], parts) }), "invalid_key", /check integers/);
  });

  it.each(kinds)("%s: the outer public key of another key than the private section's", async (kind) => {
    const [a, b] = files[kind]!.map(parse);
    await expectCode(encode({ ...a!, publicBlob: b!.publicBlob }), "invalid_key", /not its public key/);
  });

  it("ed25519: a seed that does not derive the stored public key", async () => {
    const a = parse(files.ed25519![0]);
    const b = fields(parse(files.ed25519![1]).section);
    const { checks, parts } = fields(a.section);
    const secret = Buffer.concat([b.parts[2]!.subarray(0, 32), parts[1]!]);
    await expectCode(encode({ ...a, section: section(checks, [parts[0]!, parts[1]!, secret, parts[3]!]) }), "invalid_key", /not its public key/);
  });

  it("rsa: private values of another key (d, or p and q)", async () => {
    const a = parse(files.rsa![0]);
    const b = fields(parse(files.rsa![1]).section);
    const { checks, parts } = fields(a.section);
    const withD = [...parts];
    withD[3] = b.parts[3]!;
    await expectCode(encode({ ...a, section: section(checks, withD) }), "invalid_key", /do not belong/);
    const withPq = [...parts];
    withPq[5] = b.parts[5]!;
    withPq[6] = b.parts[6]!;
    await expectCode(encode({ ...a, section: section(checks, withPq) }), "invalid_key", /do not belong/);
  });

  it.each(["ecdsa256", "ecdsa384", "ecdsa521"] as const)("%s: a scalar of another key", async (kind) => {
    const a = parse(files[kind]![0]);
    const b = fields(parse(files[kind]![1]).section);
    const { checks, parts } = fields(a.section);
    const mixed = [...parts];
    mixed[3] = b.parts[3]!;
    await expectCode(encode({ ...a, section: section(checks, mixed) }), "invalid_key", /not its public key/);
  });

  it("bad padding and bytes after the section", async () => {
    const file = parse(files.ed25519![0]);
    const { checks, parts } = fields(file.section);
    await expectCode(encode({ ...file, section: section(checks, parts, Buffer.from([1, 2, 4])) }), "invalid_key", /unexpected bytes/);
    await expectCode(encode({ ...file, trailer: Buffer.from("extra") }), "invalid_key", /malformed/);
  });

  it("nkeys other than 1", async () => {
    const file = parse(files.ed25519![0]);
    await expectCode(encode({ ...file, nkeys: 2 }), "unsupported_key", /2 keys/);
    await expectCode(encode({ ...file, nkeys: 0 }), "unsupported_key", /0 keys/);
  });

  it("a cipher of none with a KDF", async () => {
    await expectCode(encode({ ...parse(files.ed25519![0]), kdf: "bcrypt" }), "invalid_key", /malformed/);
  });

  it("truncated files, huge length fields, non-base64 and oversized bodies", async () => {
    const text = files.rsa![0];
    const body = Buffer.from(/-----BEGIN OPENSSH PRIVATE KEY-----([\s\S]*?)-----END/.exec(text)![1]!.replace(/\s+/g, ""), "base64");
    for (const cut of [10, 20, 40, 60, 100, body.length / 2, body.length - 9]) {
      await expectCode(encode(parse(text), body.subarray(0, Math.floor(cut))), "invalid_key");
    }
    const huge = Buffer.from(body);
    huge.writeUInt32BE(0xffffffff, 15); // the cipher name's length
    await expectCode(encode(parse(text), huge), "invalid_key", /malformed/);
    const file = parse(text);
    const { parts } = fields(file.section);
    const sectionWithHugeField = Buffer.concat([sshUint32(7), sshUint32(7), sshString(parts[0]!), sshUint32(0x7fffffff), Buffer.alloc(16)]);
    await expectCode(encode({ ...file, section: sectionWithHugeField }), "invalid_key", /malformed/);
    await expectCode(text.replace(/\n(.)/, "\n*$1"), "invalid_key", /malformed/);
    await expectCode(encode({ ...file, section: Buffer.concat([file.section, Buffer.alloc(100_000)]) }), "invalid_key", /too large/);
  });

  it("a section with an unknown key type inside a known outer one", async () => {
    const file = parse(files.ed25519![0]);
    const { checks, parts } = fields(file.section);
    await expectCode(encode({ ...file, section: section(checks, [Buffer.from("ssh-foo"), ...parts.slice(1)]) }), "invalid_key");
  });
});
