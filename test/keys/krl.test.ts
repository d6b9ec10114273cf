// KRLs made by the real `ssh-keygen -k`, decoded by keys/krl.ts; hostile ones built by hand.
import { createHash } from "node:crypto";
import { writeFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KeyFormatError } from "../../strategy/keys/errors.js";
import { decodeKrl, maxKrlBytes, type Krl } from "../../strategy/keys/krl.js";
import { parsePublicKey } from "../../strategy/keys/parse.js";
import { sshString, sshUint32 } from "../../strategy/keys/wire.js";
import { KeyDir } from "../support/ssh-keygen.js";

const keys = new KeyDir();
let caBlob: Buffer;

beforeAll(() => {
  caBlob = parsePublicKey(keys.sshKeygen("ca", "ed25519")).blob;
  keys.sshKeygen("user", "ed25519");
  keys.sshKeygen("other", "ecdsa", ["-b", "256"]);
  keys.sshKeygen("rsa", "rsa", ["-b", "2048"]);
}, 30_000);
afterAll(() => keys.cleanup());

/** `ssh-keygen -k -f krl [args] spec` with these spec lines; returns the KRL's bytes. */
function sshKeygenKrl(lines: string[], args: string[] = ["-s", "ca.pub"]): Buffer {
  writeFileSync(keys.path("spec"), lines.map((l) => `${l}\n`).join(""));
  keys.run("ssh-keygen", ["-k", "-f", "krl", ...args, "spec"]);
  return Buffer.from(keys.run("base64", ["-w0", "krl"]), "base64");
}

const blobOf = (name: string) => parsePublicKey(keys.read(`${name}.pub`)).blob;
const pubLine = (name: string) => keys.read(`${name}.pub`).trim();
const ranges = (krl: Krl) => krl.certificates.flatMap((c) => c.serialRanges.map((r) => [r.from, r.to]));

function refusal(bytes: Uint8Array): KeyFormatError {
  try {
    decodeKrl(bytes);
  } catch (error) {
    expect(error).toBeInstanceOf(KeyFormatError);
    return error as KeyFormatError;
  }
  throw new Error("the KRL was accepted");
}

// A KRL built field by field, for what ssh-keygen never writes.
const u64 = (n: bigint) => {
  const out = Buffer.alloc(8);
  out.writeBigUInt64BE(n);
  return out;
};
const header = (version = 1) =>
  Buffer.concat([Buffer.from("SSHKRL\n\0", "latin1"), sshUint32(version), u64(3n), u64(1700000000n), u64(0n), sshString(""), sshString("a comment")]);
const sectionOf = (type: number, body: Buffer) => Buffer.concat([Buffer.from([type]), sshString(body)]);
const certificates = (...subsections: Buffer[]) => sectionOf(1, Buffer.concat([sshString(caBlob), sshString(""), ...subsections]));
const bitmap = (offset: bigint, bits: Buffer) => sectionOf(0x22, Buffer.concat([u64(offset), sshString(bits)]));
const handMade = (...sections: Buffer[]) => Buffer.concat([header(), ...sections]);

describe("decodeKrl on KRLs from ssh-keygen -k", () => {
  it("reads the header, a CA's serials, a range and key ids", () => {
    const krl = decodeKrl(sshKeygenKrl(["serial: 5", "serial: 10-20", "serial: 1-18446744073709551615", "id: alice@laptop", "id: bob"]));
    expect(krl.krlVersion).toBe(0n);
    expect(Number(krl.generatedDate)).toBeGreaterThan(1_700_000_000);
    expect(krl.certificates).toHaveLength(1);
    expect(krl.certificates[0]!.caKey?.equals(caBlob)).toBe(true);
    // ssh-keygen merges the ranges it is given: everything from 1 up is one range.
    expect(ranges(krl)).toEqual([[1n, 18446744073709551615n]]);
    expect([...krl.certificates[0]!.keyIds].sort()).toEqual(["alice@laptop", "bob"]);
  });

  it("reads scattered serials, whichever of list and bitmap ssh-keygen picked", () => {
    const scattered = Array.from({ length: 400 }, (_, i) => 1000n + BigInt(i * 3));
    const krl = decodeKrl(sshKeygenKrl([...scattered.map((s) => `serial: ${s}`), "serial: 5", "serial: 7", "serial: 99999999999"]));
    const expected = [5n, 7n, ...scattered, 99999999999n].map((s) => [s, s]);
    expect(ranges(krl).sort((a, b) => (a[0]! < b[0]! ? -1 : 1))).toEqual(expected);
  });

  it("reads a bitmap's runs of set bits as ranges", () => {
    // Dense runs with gaps: ssh-keygen encodes them as a bitmap.
    const serials = [...Array.from({ length: 30 }, (_, i) => 64 + i), ...Array.from({ length: 30 }, (_, i) => 100 + i), 131, 133];
    const bytes = sshKeygenKrl(serials.map((s) => `serial: ${s}`));
    expect(bytes.includes(Buffer.from([0x22]))).toBe(true);
    expect(ranges(decodeKrl(bytes)).sort((a, b) => (a[0]! < b[0]! ? -1 : 1))).toEqual([
      [64n, 93n],
      [100n, 129n],
      [131n, 131n],
      [133n, 133n],
    ]);
  });

  it("reads plain keys by blob and by hash beside a CA's key ids", () => {
    const krl = decodeKrl(
      sshKeygenKrl([
        "id: anyone",
        `key: ${pubLine("user")}`,
        `sha1: ${pubLine("other")}`,
        `sha256: ${pubLine("rsa")}`,
        `hash: ${keys.fingerprint("ca.pub", "sha256").fingerprint}`,
      ]),
    );
    expect(krl.certificates).toEqual([{ caKey: caBlob, serialRanges: [], keyIds: ["anyone"] }]);
    const sha256 = (blob: Buffer) => createHash("sha256").update(blob).digest();
    // ssh-keygen stores an Ed25519 `key:` as its SHA-256.
    const blobs = [...krl.keys, ...krl.sha256.map((d) => d.toString("hex"))];
    expect(blobs.map((b) => (typeof b === "string" ? b : sha256(b).toString("hex"))).sort()).toEqual(
      [sha256(blobOf("user")), sha256(blobOf("rsa")), sha256(caBlob)].map((d) => d.toString("hex")).sort(),
    );
    expect(krl.sha1).toEqual([createHash("sha1").update(blobOf("other")).digest()]);
  });

  it("reads a KRL made from plain public key files", () => {
    keys.run("ssh-keygen", ["-k", "-f", "plain.krl", "user.pub", "rsa.pub"]);
    const krl = decodeKrl(Buffer.from(keys.run("base64", ["-w0", "plain.krl"]), "base64"));
    expect(krl.certificates).toEqual([]);
    expect(krl.keys.length + krl.sha256.length).toBe(2);
  });
});

describe("decodeKrl on hostile KRLs", () => {
  it("refuses a real KRL truncated at every byte offset but its section boundaries, and one with trailing junk", () => {
    const real = sshKeygenKrl(["serial: 5", "serial: 10-20", "serial: 64", "serial: 66", "id: alice", `key: ${pubLine("other")}`]);
    // Cut after its header or after a whole section, a KRL is a shorter valid one, as for OpenSSH.
    const boundaries = new Set<number>();
    for (let at = header().length - "a comment".length; at < real.length; at += 5 + real.readUInt32BE(at + 1)) boundaries.add(at);
    expect(boundaries.size).toBe(2); // after the header, after the certificates section
    for (let length = 0; length < real.length; length++) {
      if (boundaries.has(length)) expect(decodeKrl(real.subarray(0, length)).comment).toBe("");
      else expect(refusal(real.subarray(0, length)).code).toBe("malformed_key");
    }
    expect(refusal(Buffer.concat([real, Buffer.from([1])])).message).toMatch(/truncated/);
    expect(refusal(Buffer.concat([real, Buffer.from([9, 0, 0, 0, 0])])).message).toMatch(/unknown type 9/);
  });

  it("refuses bad magic, another format version and an oversized file", () => {
    expect(refusal(Buffer.from("SSHKRL\n\x01rest", "latin1")).message).toBe('This is not a valid OpenSSH KRL: it does not start with "SSHKRL".');
    expect(refusal(Buffer.concat([header(2)])).message).toBe("This is not a valid OpenSSH KRL: its format version is 2, not 1.");
    expect(refusal(Buffer.alloc(maxKrlBytes + 1)).code).toBe("too_large");
  });

  it("reads a certificates section of every CA (an empty CA key), which ssh-keygen 9.2 cannot write", () => {
    const everyCa = sectionOf(1, Buffer.concat([sshString(""), sshString(""), sectionOf(0x23, Buffer.concat([sshString("anyone"), sshString("b\0")]))]));
    expect(decodeKrl(handMade(everyCa))).toMatchObject({
      krlVersion: 3n,
      comment: "a comment",
      certificates: [{ caKey: null, serialRanges: [], keyIds: ["anyone", "b"] }],
    });
  });

  it("refuses huge claimed lengths", () => {
    expect(refusal(Buffer.concat([header(), Buffer.from([1, 0xff, 0xff, 0xff, 0xff])])).message).toMatch(/larger than the data/);
    expect(refusal(handMade(sectionOf(1, Buffer.from([0x7f, 0xff, 0xff, 0xff])))).message).toMatch(/certificates section is truncated/);
  });

  it("reads a hand-made bitmap, and refuses one that reaches past serial 2^64-1, a negative or oversized one", () => {
    const krl = decodeKrl(handMade(certificates(bitmap(16n, Buffer.from([0x01, 0x0f, 0xf0])))));
    expect(ranges(krl)).toEqual([
      [20n, 27n],
      [32n, 32n],
    ]);
    expect(refusal(handMade(certificates(bitmap(0xfffffffffffffff0n, Buffer.from([0x01, 0x00, 0x00]))))).message).toMatch(/past serial 2\^64-1/);
    expect(ranges(decodeKrl(handMade(certificates(bitmap(0xfffffffffffffff0n, Buffer.from([0x00, 0x80, 0x00]))))))).toEqual([
      [0xffffffffffffffffn, 0xffffffffffffffffn],
    ]);
    expect(refusal(handMade(certificates(bitmap(1n, Buffer.from([0x80]))))).message).toMatch(/negative/);
    expect(refusal(handMade(certificates(bitmap(1n, Buffer.alloc(2050, 1))))).message).toMatch(/16384 bits/);
    // Serial 0 marks a certificate without one: OpenSSH refuses to revoke it.
    expect(refusal(handMade(certificates(bitmap(0n, Buffer.from([0x01]))))).message).toMatch(/serial 0/);
  });

  it("refuses reversed ranges, serial 0, unknown subsections, critical extensions and bad hash lengths", () => {
    const range = (a: bigint, b: bigint) => sectionOf(0x21, Buffer.concat([u64(a), u64(b)]));
    expect(refusal(handMade(certificates(range(9n, 3n)))).message).toMatch(/start is after its end/);
    expect(refusal(handMade(certificates(sectionOf(0x20, u64(0n))))).message).toMatch(/serial 0/);
    expect(refusal(handMade(certificates(sectionOf(0x24, Buffer.alloc(0))))).message).toMatch(/subsection of unknown type 0x24/);
    expect(refusal(handMade(certificates(sectionOf(0x21, Buffer.concat([u64(1n), u64(2n), Buffer.from([0])]))))).message).toMatch(/unexpected bytes/);
    const extension = (critical: number) => Buffer.concat([sshString("x@example.com"), Buffer.from([critical]), sshString("v")]);
    expect(refusal(handMade(sectionOf(255, extension(1)))).message).toMatch(/critical extension .*"x@example.com"/);
    expect(refusal(handMade(certificates(sectionOf(0x39, extension(1))))).message).toMatch(/critical extension/);
    expect(decodeKrl(handMade(sectionOf(255, extension(0)), certificates(sectionOf(0x39, extension(0))))).certificates).toHaveLength(1);
    expect(refusal(handMade(sectionOf(5, sshString(Buffer.alloc(20))))).message).toMatch(/20 bytes, not 32/);
    expect(refusal(handMade(certificates(sectionOf(0x23, sshString("a\0b"))))).message).toMatch(/NUL/);
  });

  it("skips a signature section unverified, as OpenSSH does", () => {
    const signature = Buffer.concat([Buffer.from([4]), sshString(caBlob), sshString("not checked")]);
    const krl = decodeKrl(handMade(certificates(sectionOf(0x20, u64(5n))), signature));
    expect([krl.signatures, ranges(krl)]).toEqual([1, [[5n, 5n]]]);
  });
});
