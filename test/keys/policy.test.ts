// RSA limits (issue 11, H-2): moduli from 2048 to 8192 bits by default, the ceiling
// configurable up to OpenSSH's 16384, and numbers that cannot be RSA moduli refused.
import { createPublicKey, randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { KeyFormatError, parseKeyPaste, parsePublicKey, parsePublicKeyBlob, publicKeyFromKeyObject, storedKeyProblem } from "../../strategy/keys/index.js";
import { fixtureKeyPair } from "../support/fixture-keys.js";
import { plausibleModulus, rsaLine } from "./support/plausible-modulus.js";

function toBuffer(value: bigint): Buffer {
  const hex = value.toString(16);
  return Buffer.from(hex.length % 2 ? `0${hex}` : hex, "hex");
}

function refusal(fn: () => unknown): KeyFormatError {
  try {
    fn();
  } catch (error) {
    if (error instanceof KeyFormatError) return error;
    throw error;
  }
  throw new Error("the key was accepted");
}

describe("RSA modulus size", () => {
  it("accepts 2048 to 8192 bits by default and refuses 8193 with too_large", () => {
    expect(parsePublicKey(rsaLine(plausibleModulus(2048))).bits).toBe(2048);
    expect(parsePublicKey(rsaLine(plausibleModulus(8192))).bits).toBe(8192);
    const error = refusal(() => parsePublicKey(rsaLine(plausibleModulus(8193))));
    expect(error.code).toBe("too_large");
    expect(error.detail).toEqual({ bits: 8193, limit: 8192 });
    expect(error.message).toMatch(/at most 8192/);
    expect(refusal(() => parsePublicKey(rsaLine(plausibleModulus(16384)))).code).toBe("too_large");
  });

  it("a real 4096-bit key from node:crypto passes every check", () => {
    const key = publicKeyFromKeyObject(fixtureKeyPair("rsa4096").publicKey);
    expect(parsePublicKey(key.openssh).bits).toBe(4096);
  });

  it("rsaMaxBits raises or lowers the ceiling, within 2048..16384", () => {
    const big = rsaLine(plausibleModulus(16384));
    expect(parsePublicKey(big, { rsaMaxBits: 16384 }).bits).toBe(16384);
    expect(refusal(() => parsePublicKey(rsaLine(plausibleModulus(16385)), { rsaMaxBits: 16384 })).code).toBe("too_large");
    expect(refusal(() => parsePublicKey(rsaLine(plausibleModulus(4097)), { rsaMaxBits: 4096 })).code).toBe("too_large");
    expect(parseKeyPaste(big, { rsaMaxBits: 16384 })[0]?.ok).toBe(true);
    expect(storedKeyProblem(big)).toMatchObject({ code: "too_large" });
    expect(storedKeyProblem(big, { rsaMaxBits: 16384 })).toBeNull();
    for (const bad of [1024, 2047, 16385, 8192.5, Number.NaN]) {
      expect(() => parsePublicKey(big, { rsaMaxBits: bad }), String(bad)).toThrow(TypeError);
    }
  });
});

describe("keys a client holds", () => {
  it("are described up to OpenSSH's 16384 bits: the server, not the client, decides what it stores", () => {
    const n = plausibleModulus(16384);
    const keyObject = createPublicKey({ key: { kty: "RSA", n: n.toString("base64url"), e: "AQAB" }, format: "jwk" });
    const held = publicKeyFromKeyObject(keyObject);
    expect(held.bits).toBe(16384);
    expect(parsePublicKeyBlob(held.blob).bits).toBe(16384);
    expect(refusal(() => parsePublicKey(held.openssh)).code).toBe("too_large");
    expect(
      refusal(() =>
        publicKeyFromKeyObject(createPublicKey({ key: { kty: "RSA", n: plausibleModulus(16385).toString("base64url"), e: "AQAB" }, format: "jwk" })),
      ).code,
    ).toBe("too_large");
  });
});

describe("RSA moduli that are not products of two large primes", () => {
  it.each([3n, 5n, 7n, 1999n])("a multiple of %s is refused as weak_key", (p) => {
    // Shifted so the product still has 2048 bits and stays odd.
    let n = BigInt(`0x${plausibleModulus(2040).toString("hex")}`) * p;
    while (n.toString(2).length < 2048) n *= 3n;
    expect(refusal(() => parsePublicKey(rsaLine(toBuffer(n)))).code).toBe("weak_key");
  });

  it("an even modulus is refused as malformed_key", () => {
    const n = plausibleModulus(2048);
    n[n.length - 1] = (n[n.length - 1] ?? 0) & 0xfe;
    expect(refusal(() => parsePublicKey(rsaLine(n))).code).toBe("malformed_key");
  });

  it("most random odd 2048-bit numbers are refused (they have a small factor)", () => {
    let refused = 0;
    for (let i = 0; i < 200; i++) {
      const n = randomBytes(256);
      n[0] = (n[0] ?? 0) | 0x80;
      n[255] = (n[255] ?? 0) | 1;
      if (parseKeyPaste(rsaLine(n))[0]?.ok === false) refused++;
    }
    // About 85 % have a prime factor below 2000; the bound is loose so the test is not flaky.
    expect(refused).toBeGreaterThan(140);
  });
});
