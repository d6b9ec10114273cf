// Small-order and non-canonical Ed25519 public keys (issue 11, H-1): OpenSSL verifies
// cofactorless, so such a key lets anyone forge signatures. The codec must refuse every
// encoding of them, in every format it reads, with the code weak_key.
import crypto, { createPublicKey } from "node:crypto";
import { describe, expect, it } from "vitest";
import { KeyFormatError, parseKeyPaste, parsePublicKey, parsePublicKeyBlob, publicKeyFromKeyObject, storedKeyProblem } from "../../strategy/keys/index.js";
import { sshString } from "../../strategy/keys/wire.js";
import { freshKeyPair } from "../support/fresh-keys.js";

const smallOrder = {
  identity: "0100000000000000000000000000000000000000000000000000000000000000",
  "order 2": "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
  "order 4 (+)": "0000000000000000000000000000000000000000000000000000000000000000",
  "order 4 (−)": "0000000000000000000000000000000000000000000000000000000000000080",
  "order 8 a": "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",
  "order 8 b": "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85",
  "order 8 c": "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",
  "order 8 d": "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa",
};

const P = 2n ** 255n - 19n;
/** The 32-byte little-endian encoding of y (< 2^255) with the given sign bit. */
function encode(y: bigint, sign = false): string {
  const bytes = Buffer.alloc(32);
  for (let i = 0; i < 32; i++) bytes[i] = Number((y >> BigInt(8 * i)) & 0xffn);
  if (sign) bytes[31] = (bytes[31] ?? 0) | 0x80;
  return bytes.toString("hex");
}

const nonCanonical = {
  "identity as y = p + 1": encode(P + 1n),
  "identity as y = p + 1, sign set": encode(P + 1n, true),
  "order 4 as y = p": encode(P),
  "order 4 as y = p, sign set": encode(P, true),
  "identity with negative zero x": encode(1n, true),
  "order 2 with negative zero x": encode(P - 1n, true),
  "y = 2^255 − 1 (largest encoding)": encode(2n ** 255n - 1n),
  "y = p + 18, sign set": encode(P + 18n, true),
};

const ed25519Line = (hex: string) => `ssh-ed25519 ${Buffer.concat([sshString("ssh-ed25519"), sshString(Buffer.from(hex, "hex"))]).toString("base64")} x`;
const spkiPem = (hex: string) => {
  const der = Buffer.concat([Buffer.from("302a300506032b6570032100", "hex"), Buffer.from(hex, "hex")]);
  return `-----BEGIN PUBLIC KEY-----\n${der.toString("base64")}\n-----END PUBLIC KEY-----\n`;
};

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    if (error instanceof KeyFormatError) return error.code;
    throw error;
  }
  return undefined;
}

const S_ZERO = Buffer.alloc(32);

describe("small-order Ed25519 points", () => {
  it("are what the table says: node:crypto lets a signature with S = 0 verify without any private key", () => {
    // [S]B − [k]A is one of the eight small-order points when S = 0, so for some message
    // one of them, used as R, verifies. A real key is never forged this way.
    for (const [name, hex] of Object.entries(smallOrder)) {
      const key = createPublicKey({ key: { kty: "OKP", crv: "Ed25519", x: Buffer.from(hex, "hex").toString("base64url") }, format: "jwk" });
      const forged = Array.from({ length: 40 }, (_, m) => Buffer.from(`message ${m}`)).some((message) =>
        Object.values(smallOrder).some((r) => crypto.verify(null, message, key, Buffer.concat([Buffer.from(r, "hex"), S_ZERO]))),
      );
      expect(forged, name).toBe(true);
    }
    const honest = freshKeyPair("ed25519").publicKey;
    const forgedHonest = Object.values(smallOrder).some((r) =>
      crypto.verify(null, Buffer.from("message 0"), honest, Buffer.concat([Buffer.from(r, "hex"), S_ZERO])),
    );
    expect(forgedHonest).toBe(false);
  });

  it("the issue's identity key verifies 01 ‖ 00×63 for any message in node:crypto, which is why it must be refused", () => {
    const key = createPublicKey({ key: { kty: "OKP", crv: "Ed25519", x: Buffer.from(smallOrder.identity, "hex").toString("base64url") }, format: "jwk" });
    const signature = Buffer.concat([Buffer.from([1]), Buffer.alloc(63)]);
    for (const message of ["a", "b", "anything at all"]) expect(crypto.verify(null, Buffer.from(message), key, signature)).toBe(true);
    expect(codeOf(() => parsePublicKey("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAEAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"))).toBe("weak_key");
  });

  it.each(Object.entries({ ...smallOrder, ...nonCanonical }))("%s is refused as weak_key in every format", (_name, hex) => {
    expect(codeOf(() => parsePublicKey(ed25519Line(hex)))).toBe("weak_key");
    expect(codeOf(() => parsePublicKey(spkiPem(hex)))).toBe("weak_key");
    expect(codeOf(() => parsePublicKeyBlob(Buffer.concat([sshString("ssh-ed25519"), sshString(Buffer.from(hex, "hex"))])))).toBe("weak_key");
    const [entry] = parseKeyPaste(ed25519Line(hex));
    expect(entry).toMatchObject({ ok: false, problem: { code: "weak_key" }, source: { line: 1 } });
    expect(storedKeyProblem(ed25519Line(hex))).toMatchObject({ code: "weak_key" });
  });

  it("a small-order key handed over as a KeyObject is refused too", () => {
    for (const hex of Object.values(smallOrder)) {
      const key = createPublicKey({ key: { kty: "OKP", crv: "Ed25519", x: Buffer.from(hex, "hex").toString("base64url") }, format: "jwk" });
      expect(codeOf(() => publicKeyFromKeyObject(key))).toBe("weak_key");
    }
  });

  it("honest keys still parse, and the message names the danger without quoting the key", () => {
    for (let i = 0; i < 20; i++) {
      const key = publicKeyFromKeyObject(freshKeyPair("ed25519").publicKey);
      expect(parsePublicKey(key.openssh).fingerprintSha256).toBe(key.fingerprintSha256);
      expect(storedKeyProblem(key.openssh)).toBeNull();
    }
    const error = (() => {
      try {
        parsePublicKey(ed25519Line(smallOrder.identity));
      } catch (e) {
        return e as KeyFormatError;
      }
      throw new Error("not refused");
    })();
    expect(error.message).toMatch(/forge/);
    expect(error.message).not.toContain("AAAAC3Nza");
  });
});

describe("invalid ECDSA points", () => {
  const nistP256 = Buffer.from("ffffffff00000001000000000000000000000000ffffffffffffffffffffffff", "hex");
  const ecLine = (point: Buffer) =>
    `ecdsa-sha2-nistp256 ${Buffer.concat([sshString("ecdsa-sha2-nistp256"), sshString("nistp256"), sshString(point)]).toString("base64")}`;
  const honest = freshKeyPair("ec", { namedCurve: "P-256" }).publicKey.export({ format: "jwk" });
  const x = Buffer.from(honest.x ?? "", "base64url");
  const y = Buffer.from(honest.y ?? "", "base64url");

  it.each([
    ["the point at infinity (SEC1 0x00)", Buffer.from([0])],
    ["(0, 0)", Buffer.concat([Buffer.from([4]), Buffer.alloc(64)])],
    ["x = p (a coordinate out of range)", Buffer.concat([Buffer.from([4]), nistP256, y])],
    [
      "an honest x with y + 1 (off the curve)",
      Buffer.concat([Buffer.from([4]), x, Buffer.from((BigInt(`0x${y.toString("hex")}`) + 1n).toString(16).padStart(64, "0").slice(-64), "hex")]),
    ],
  ])("%s is refused", (_name, point) => {
    expect(codeOf(() => parsePublicKey(ecLine(point)))).toBe("malformed_key");
  });

  it("the honest point itself is accepted (the cases above differ from it only in the point)", () => {
    expect(parsePublicKey(ecLine(Buffer.concat([Buffer.from([4]), x, y]))).type).toBe("ecdsa-sha2-nistp256");
  });
});
