// OpenSSH certificates made by the real `ssh-keygen -s`, decoded and CA-checked by our own code.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { certificateSignatureVerifies, certifiedKeyType, decodeCertificate, hostCertificate, userCertificate } from "../../strategy/keys/certificate.js";
import { isKeyFormatError } from "../../strategy/keys/errors.js";
import { materialFromBlob } from "../../strategy/keys/material.js";
import { sshString } from "../../strategy/keys/wire.js";
import { makeTmpDir, sshKeygen, type KeyKind } from "../support/ssh-keygen.js";

const tmp = makeTmpDir("certs-");
afterAll(() => tmp.cleanup());

function blobOf(pubFile: string): Buffer {
  return Buffer.from(readFileSync(pubFile, "utf8").trim().split(/\s+/)[1]!, "base64");
}

/** `ssh-keygen -s ca … key.pub`; returns the certificate blob. */
function sign(ca: string, key: string, args: readonly string[]): Buffer {
  execFileSync("ssh-keygen", ["-q", "-s", ca, ...args, `${key}.pub`], { stdio: ["ignore", "ignore", "pipe"] });
  return blobOf(`${key}-cert.pub`);
}

function caMaterial(ca: string) {
  return materialFromBlob(blobOf(`${ca}.pub`));
}

const caKinds: KeyKind[] = ["ed25519", "ecdsa256", "ecdsa384", "ecdsa521", "rsa"];
const userKinds: KeyKind[] = ["ed25519", "ecdsa256", "rsa"];

describe("certificates from ssh-keygen -s", () => {
  const cas = new Map<KeyKind, string>();
  const users = new Map<KeyKind, string>();
  beforeAll(() => {
    for (const kind of caKinds) cas.set(kind, sshKeygen(tmp.dir, `ca-${kind}`, kind));
    for (const kind of userKinds) users.set(kind, sshKeygen(tmp.dir, `user-${kind}`, kind));
  });

  for (const caKind of caKinds) {
    for (const userKind of userKinds) {
      it(`decodes a ${userKind} user certificate signed by a ${caKind} CA and verifies the CA's signature`, () => {
        const ca = cas.get(caKind)!;
        const user = users.get(userKind)!;
        const blob = sign(ca, user, ["-I", "alice-laptop", "-n", "alice,ops", "-z", "4242", "-V", "20260101:20300101"]);
        const cert = decodeCertificate(blob);
        expect(cert.type).toBe(userCertificate);
        expect(cert.keyId).toBe("alice-laptop");
        expect(cert.principals).toEqual(["alice", "ops"]);
        expect(cert.serial).toBe(4242n);
        expect(cert.validAfter).toBe(BigInt(Date.UTC(2026, 0, 1) / 1000) + BigInt(new Date(2026, 0, 1).getTimezoneOffset() * 60));
        expect(cert.keyBlob.equals(blobOf(`${user}.pub`))).toBe(true);
        expect(certifiedKeyType(cert.certType)).toBe(materialFromBlob(cert.keyBlob).type);
        expect(cert.extensions.has("permit-pty")).toBe(true);
        expect(certificateSignatureVerifies(cert, caMaterial(ca))).toBe("valid");
      });
    }
  }

  it("refuses the right CA key with a corrupted signature, at every byte of the signature", () => {
    const ca = cas.get("ed25519")!;
    const blob = sign(ca, users.get("ed25519")!, ["-I", "x", "-n", "alice"]);
    const good = decodeCertificate(blob);
    const sigStart = blob.length - 64;
    for (let i = sigStart; i < blob.length; i += 7) {
      const bad = Buffer.from(blob);
      bad[i]! ^= 0x01;
      expect(certificateSignatureVerifies(decodeCertificate(bad), caMaterial(ca))).toBe("invalid");
    }
    expect(certificateSignatureVerifies(good, caMaterial(ca))).toBe("valid");
  });

  it("refuses a certificate whose signed fields were changed (principals, validity, serial)", () => {
    const ca = cas.get("ecdsa256")!;
    const blob = sign(ca, users.get("ed25519")!, ["-I", "x", "-n", "alice", "-z", "7"]);
    const at = blob.indexOf(Buffer.from("alice"));
    const bad = Buffer.from(blob);
    bad.write("admin", at, "latin1");
    const cert = decodeCertificate(bad);
    expect(cert.principals).toEqual(["admin"]);
    expect(certificateSignatureVerifies(cert, caMaterial(ca))).toBe("invalid");
  });

  it("compares the CA key: another CA's key never verifies, even one the certificate names", () => {
    const blob = sign(cas.get("ed25519")!, users.get("rsa")!, ["-I", "x", "-n", "alice"]);
    expect(certificateSignatureVerifies(decodeCertificate(blob), caMaterial(cas.get("ecdsa256")!))).toBe("invalid");
  });

  it("reads rsa-sha2-256 and rsa-sha2-512 CA signatures and reports ssh-rsa (SHA-1) apart", () => {
    const ca = cas.get("rsa")!;
    for (const [alg, expected] of [
      ["rsa-sha2-256", "valid"],
      ["rsa-sha2-512", "valid"],
      ["ssh-rsa", "sha1"],
    ] as const) {
      const blob = sign(ca, users.get("ed25519")!, ["-t", alg, "-I", "x", "-n", "alice"]);
      expect(certificateSignatureVerifies(decodeCertificate(blob), caMaterial(ca))).toBe(expected);
    }
  });

  it("reads host certificates, critical options and extensions as ssh-keygen -L prints them", () => {
    const ca = cas.get("ed25519")!;
    const host = decodeCertificate(sign(ca, users.get("ecdsa256")!, ["-h", "-I", "web1", "-n", "web1.example.com"]));
    expect(host.type).toBe(hostCertificate);
    const blob = sign(ca, users.get("ed25519")!, [
      "-I",
      "opts",
      "-n",
      "alice",
      "-O",
      "clear",
      "-O",
      "source-address=10.0.0.0/8,192.168.1.1",
      "-O",
      "force-command=/bin/true",
      "-O",
      "verify-required",
      "-O",
      "no-touch-required",
      "-O",
      "extension:login@github.com=alice",
    ]);
    const cert = decodeCertificate(blob);
    expect(Object.fromEntries(cert.criticalOptions)).toEqual({
      "force-command": "/bin/true",
      "source-address": "10.0.0.0/8,192.168.1.1",
      "verify-required": "",
    });
    expect(Object.fromEntries(cert.extensions)).toEqual({ "login@github.com": "alice", "no-touch-required": "" });
    const listed = execFileSync("ssh-keygen", ["-L", "-f", path.join(tmp.dir, "user-ed25519-cert.pub")], { encoding: "utf8" });
    expect(listed).toContain("source-address 10.0.0.0/8,192.168.1.1");
    expect(certificateSignatureVerifies(cert, caMaterial(ca))).toBe("valid");
  });

  it("keeps 'forever' validity as 2^64−1 and no principals as an empty list", () => {
    const cert = decodeCertificate(sign(cas.get("ed25519")!, users.get("ed25519")!, ["-I", "any"]));
    expect(cert.validBefore).toBe(2n ** 64n - 1n);
    expect(cert.principals).toEqual([]);
  });

  it("refuses every truncation and trailing bytes with a KeyFormatError, nothing else", () => {
    const blob = sign(cas.get("ecdsa384")!, users.get("rsa")!, ["-I", "t", "-n", "alice", "-O", "source-address=127.0.0.1"]);
    for (let length = 0; length < blob.length; length++) {
      let caught: unknown;
      try {
        decodeCertificate(blob.subarray(0, length));
      } catch (error) {
        caught = error;
      }
      expect(isKeyFormatError(caught), `length ${length}`).toBe(true);
    }
    expect(() => decodeCertificate(Buffer.concat([blob, Buffer.from([0])]))).toThrow(/unexpected bytes/);
  });

  it("refuses plain keys, unknown certificate types and chained certificates", () => {
    expect(() => decodeCertificate(blobOf(`${users.get("ed25519")!}.pub`))).toThrow(/not an OpenSSH certificate/);
    const blob = sign(cas.get("ed25519")!, users.get("ed25519")!, ["-I", "x", "-n", "alice"]);
    const fields = splitFields(blob);
    expect(() => decodeCertificate(joinFields([sshString("ssh-dss-cert-v01@openssh.com"), ...fields.slice(1)]))).toThrow(/not an OpenSSH certificate type/);
    // A CA key that is itself a certificate.
    const chained = [...fields];
    chained[fields.length - 2] = sshString(blob);
    expect(() => decodeCertificate(joinFields(chained))).toThrow(/cannot be chained/);
  });

  it("refuses repeated or unordered extensions and critical options, and options with trailing data", () => {
    const fields = splitFields(sign(cas.get("ed25519")!, users.get("ed25519")!, ["-I", "x", "-n", "alice"]));
    const option = (name: string, value: string) => Buffer.concat([sshString(name), sshString(value === "" ? "" : sshString(value))]);
    // ed25519 cert fields: type, nonce, pk, serial, type, key id, principals, after, before, critical, extensions, reserved, CA key, signature.
    const withField = (index: number, content: Buffer) => joinFields(fields.map((f, i) => (i === index ? sshString(content) : f)));
    expect(() => decodeCertificate(withField(10, Buffer.concat([option("permit-pty", ""), option("permit-pty", "")])))).toThrow(/repeated or out of order/);
    expect(() => decodeCertificate(withField(10, Buffer.concat([option("permit-pty", ""), option("permit-X11-forwarding", "")])))).toThrow(/out of order/);
    expect(() =>
      decodeCertificate(withField(9, Buffer.concat([sshString("source-address"), sshString(Buffer.concat([sshString("10.0.0.1"), Buffer.from([1])]))]))),
    ).toThrow(/unexpected bytes/);
    expect(decodeCertificate(withField(9, option("source-address", "10.0.0.1"))).criticalOptions.get("source-address")).toBe("10.0.0.1");
  });
});

// A certificate as its wire fields (each with its own length prefix, or the raw 4/8-byte integers).
const ed25519CertLayout = ["s", "s", "s", 8, 4, "s", "s", 8, 8, "s", "s", "s", "s", "s"] as const;

function splitFields(blob: Buffer): Buffer[] {
  const fields: Buffer[] = [];
  let at = 0;
  for (const kind of ed25519CertLayout) {
    const size = kind === "s" ? 4 + blob.readUInt32BE(at) : kind;
    fields.push(blob.subarray(at, at + size));
    at += size;
  }
  expect(at).toBe(blob.length);
  return fields;
}

function joinFields(fields: readonly Buffer[]): Buffer {
  return Buffer.concat(fields);
}
