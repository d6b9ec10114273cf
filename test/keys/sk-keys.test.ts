// FIDO security-key (sk-*) public keys: read from .pub and authorized_keys lines, checked
// against what the real ssh-keygen says about the same lines.
import crypto from "node:crypto";
import { writeFileSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { KeyFormatError, parseKeyPaste, parsePublicKey, serializePublicKey } from "../../strategy/keys/index.js";
import { sshString } from "../../strategy/keys/wire.js";
import { softwareFidoKey, type SoftwareFidoKind } from "../support/software-fido.js";
import { KeyDir } from "../support/ssh-keygen.js";

const keys = new KeyDir();
afterAll(() => keys.cleanup());

const kinds: [SoftwareFidoKind, string, string][] = [
  ["ed25519", "sk-ssh-ed25519@openssh.com", "ED25519-SK"],
  ["ecdsa", "sk-ecdsa-sha2-nistp256@openssh.com", "ECDSA-SK"],
];

function refusal(text: string): KeyFormatError {
  try {
    parsePublicKey(text);
  } catch (error) {
    if (error instanceof KeyFormatError) return error;
    throw error;
  }
  throw new Error("accepted");
}

const line = (type: string, blob: Buffer) => `${type} ${blob.toString("base64")} hostile`;

describe.each(kinds)("%s security key", (kind, type, keygenType) => {
  it("reads the .pub line: type, application, comment, and ssh-keygen's own fingerprints", () => {
    const fido = softwareFidoKey(kind, "ssh:", "laptop yubikey");
    const key = parsePublicKey(fido.publicLine);
    expect(key).toMatchObject({ type, bits: 256, comment: "laptop yubikey", openssh: `${type} ${fido.blob.toString("base64")}` });
    expect(key.securityKey).toEqual({ application: "ssh:", touchRequired: true, verifyRequired: false });
    expect(key.blob.equals(fido.blob)).toBe(true);

    const file = keys.path(`${kind}.pub`);
    writeFileSync(file, `${fido.publicLine}\n`);
    const sha256 = keys.run("ssh-keygen", ["-lf", file]).trim();
    const md5 = keys.run("ssh-keygen", ["-E", "md5", "-lf", file]).trim();
    expect(sha256).toBe(`256 ${key.fingerprintSha256} laptop yubikey (${keygenType})`);
    expect(md5).toBe(`256 MD5:${key.fingerprintMd5} laptop yubikey (${keygenType})`);
  });

  it("keeps a web-origin application", () => {
    const key = parsePublicKey(softwareFidoKey(kind, "https://login.example.com").publicLine);
    expect(key.securityKey?.application).toBe("https://login.example.com");
  });

  it("reads no-touch-required and verify-required from an authorized_keys line", () => {
    const fido = softwareFidoKey(kind);
    expect(parsePublicKey(`no-touch-required ${fido.publicLine}`).securityKey).toMatchObject({ touchRequired: false, verifyRequired: false });
    expect(parsePublicKey(`verify-required,no-pty ${fido.publicLine}`).securityKey).toMatchObject({ touchRequired: true, verifyRequired: true });
    expect(parsePublicKey(`restrict,no-touch-required,verify-required ${fido.publicLine}`).securityKey).toMatchObject({
      touchRequired: false,
      verifyRequired: true,
    });
    const [entry] = parseKeyPaste(`# yubikey\nNO-TOUCH-REQUIRED ${fido.publicLine}\n`);
    expect(entry).toMatchObject({ ok: true, source: { line: 2 } });
    expect(entry?.ok && entry.key.securityKey?.touchRequired).toBe(false);
  });

  it("has a kid of its own, never the one of the plain key inside it", () => {
    const fido = softwareFidoKey(kind);
    const key = parsePublicKey(fido.publicLine);
    const plainSpki = key.keyObject.export({ type: "spki", format: "pem" });
    expect(key.kid).not.toBe(crypto.createHash("sha256").update(plainSpki).digest("hex"));
    expect(key.kid).toBe(crypto.createHash("sha256").update(fido.blob).digest("hex"));
  });

  it("writes back the same key in the text formats it is read from", () => {
    const key = parsePublicKey(softwareFidoKey(kind).publicLine);
    for (const format of ["openssh", "rfc4716"] as const) {
      const again = parsePublicKey(serializePublicKey(key, format));
      expect(again.fingerprintSha256, format).toBe(key.fingerprintSha256);
      expect(again.securityKey?.application, format).toBe("ssh:");
    }
  });

  it("refuses hostile blobs with a clear key problem", () => {
    const fido = softwareFidoKey(kind);
    const body = fido.blob.subarray(sshString(type).length, fido.blob.length - sshString("ssh:").length);
    const withApplication = (application: Buffer | string) => Buffer.concat([sshString(type), body, sshString(application)]);
    const cases: [string, Buffer, string][] = [
      ["truncated", fido.blob.subarray(0, fido.blob.length - 2), "malformed_key"],
      ["no application", Buffer.concat([sshString(type), body]), "malformed_key"],
      ["empty application", withApplication(""), "malformed_key"],
      ["oversized application", withApplication("ssh:" + "x".repeat(300)), "malformed_key"],
      ["application not UTF-8", withApplication(Buffer.from([0x73, 0x73, 0x68, 0x3a, 0xc3, 0x28])), "malformed_key"],
      ["application with a control character", withApplication("ssh:\u001b[31m"), "malformed_key"],
      ["trailing bytes", Buffer.concat([fido.blob, Buffer.of(0)]), "malformed_key"],
    ];
    for (const [name, blob, code] of cases) {
      const error = refusal(line(type, blob));
      expect(error.code, name).toBe(code);
      expect(error.message, name).not.toContain("hostile");
    }
  });
});

describe("hostile security-key points", () => {
  it("refuses a wrong-length or small-order Ed25519 point", () => {
    const type = "sk-ssh-ed25519@openssh.com";
    const short = Buffer.concat([sshString(type), sshString(crypto.randomBytes(31)), sshString("ssh:")]);
    expect(refusal(line(type, short)).code).toBe("malformed_key");
    const identity = Buffer.alloc(32);
    identity[0] = 1;
    const smallOrder = Buffer.concat([sshString(type), sshString(identity), sshString("ssh:")]);
    expect(refusal(line(type, smallOrder)).code).toBe("weak_key");
  });

  it("refuses an off-curve, compressed or mislabelled P-256 point", () => {
    const type = "sk-ecdsa-sha2-nistp256@openssh.com";
    const offCurve = Buffer.concat([Buffer.of(4), crypto.randomBytes(64)]);
    const compressed = Buffer.concat([Buffer.of(2), crypto.randomBytes(32)]);
    const blob = (curve: string, point: Buffer) => Buffer.concat([sshString(type), sshString(curve), sshString(point), sshString("ssh:")]);
    expect(refusal(line(type, blob("nistp256", offCurve))).code).toBe("malformed_key");
    expect(refusal(line(type, blob("nistp256", compressed))).code).toBe("malformed_key");
    const good = softwareFidoKey("ecdsa").blob;
    const point = good.subarray(sshString(type).length + sshString("nistp256").length + 4, good.length - sshString("ssh:").length);
    expect(refusal(line(type, blob("nistp384", point))).message).toMatch(/curve named inside the key disagrees/);
  });

  it("refuses a line whose type disagrees with its blob", () => {
    const fido = softwareFidoKey("ed25519");
    expect(refusal(`ssh-ed25519 ${fido.blob.toString("base64")}`).message).toMatch(/says "ssh-ed25519" but the key data is "sk-ssh-ed25519@openssh.com"/);
  });
});
