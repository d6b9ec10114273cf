import { describe, expect, it } from "vitest";
import { p256PublicPoint, signP256Deterministic } from "./rfc6979.js";
import { ecdsaP256MpintsToP1363, ecdsaP256P1363ToMpints, isEd25519SignatureData } from "../../../strategy/schemes/sshauth/signature.js";
import { VECTORS } from "./fixtures.js";

const mp = (hex: string) => {
  const body = Buffer.from(hex, "hex");
  const len = Buffer.alloc(4);
  len.writeUInt32BE(body.length);
  return Buffer.concat([len, body]).toString("hex");
};
const conv = (hex: string) => ecdsaP256MpintsToP1363(Buffer.from(hex, "hex"))?.toString("hex") ?? null;
const r32 = "25".repeat(32);
const s32 = "55".repeat(32);

describe("ECDSA mpint pair ↔ IEEE-P1363", () => {
  it("converts the vectors' signatures, including a 00-padded r", () => {
    for (const v of VECTORS.filter((x) => x.algorithm === "Ecdsa256")) {
      const p1363 = ecdsaP256MpintsToP1363(Buffer.from(v.signature_hex, "hex"));
      expect(p1363).not.toBeNull();
      expect(p1363).toHaveLength(64);
      expect(ecdsaP256P1363ToMpints(p1363!).toString("hex")).toBe(v.signature_hex);
    }
  });

  const table: [string, string, string | null][] = [
    ["plain 32/32", mp(r32) + mp(s32), r32 + s32],
    ["top bit set with 00 pad", mp("00" + "ff".repeat(32)) + mp(s32), "ff".repeat(32) + s32],
    ["short r is left-padded", mp("01") + mp(s32), "00".repeat(31) + "01" + s32],
    ["short s is left-padded", mp(r32) + mp("02"), r32 + "00".repeat(31) + "02"],
    ["both short, s with its 00 pad", mp("7f") + mp("0080"), "00".repeat(31) + "7f" + "00".repeat(31) + "80"],
    ["top bit set without pad (negative)", mp("ff".repeat(32)) + mp(s32), null],
    ["redundant leading 00", mp("00" + "25".repeat(31)) + mp(s32), null],
    ["lone 00", mp("00") + mp(s32), null],
    ["empty mpint (zero)", mp("") + mp(s32), null],
    ["33-byte magnitude", mp("25".repeat(33)) + mp(s32), null],
    ["00 + 33-byte magnitude", mp("00" + "ff".repeat(33)) + mp(s32), null],
    ["trailing byte after s", mp(r32) + mp(s32) + "00", null],
    ["only one mpint", mp(r32), null],
    ["s length runs past the end", mp(r32) + "00000021" + s32, null],
    ["length header truncated", mp(r32) + "000000", null],
    ["length 2^32-1", "ffffffff" + r32, null],
    ["empty data", "", null],
    ["64 raw bytes (P1363 is not accepted on the wire)", r32 + s32, null],
  ];
  for (const [name, hex, expected] of table) {
    it(`${name} → ${expected === null ? "refused" : "ok"}`, () => {
      expect(conv(hex)).toBe(expected);
    });
  }

  it("encodes minimal mpints", () => {
    const sig = Buffer.from("00".repeat(31) + "80" + "00".repeat(16) + "7f" + "00".repeat(15), "hex");
    expect(ecdsaP256P1363ToMpints(sig).toString("hex")).toBe(mp("0080") + mp("7f" + "00".repeat(15)));
    expect(() => ecdsaP256P1363ToMpints(Buffer.alloc(63))).toThrow(RangeError);
  });

  it("Ed25519 data must be exactly 64 bytes", () => {
    expect(isEd25519SignatureData(Buffer.alloc(64))).toBe(true);
    expect(isEd25519SignatureData(Buffer.alloc(63))).toBe(false);
    expect(isEd25519SignatureData(Buffer.alloc(65))).toBe(false);
  });
});

describe("RFC 6979 P-256 / SHA-256", () => {
  const x = Buffer.from("C9AFA9D845BA75166B5C215767B1D6934E50C3DB36E89B127B8A622B120F6721", "hex");
  it("public point of the RFC A.2.5 key", () => {
    const q = p256PublicPoint(x);
    expect(q.x.toString("hex").toUpperCase()).toBe("60FED4BA255A9D31C961EB74C6356D68C049B8923B61FA6CE669622E60F29FB6");
    expect(q.y.toString("hex").toUpperCase()).toBe("7903FE1008B8BC99A41AE9E95628BC64F2F1B20C2D7E9F5177A3C294D4462299");
  });
  it('RFC A.2.5 "sample" (high-S kept, as p256 does)', () => {
    expect(signP256Deterministic(x, Buffer.from("sample")).toString("hex").toUpperCase()).toBe(
      "EFD48B2AACB6A8FD1140DD9CD45E81D69D2C877B56AAF991C34D0EA84EAF3716" + "F7CB1C942D657C41D436C7A1B6E29F65F3E900DBB9AFF4064DC4AB2F843ACDA8",
    );
  });
  it("refuses out-of-range scalars", () => {
    expect(() => signP256Deterministic(Buffer.alloc(32), Buffer.from("x"))).toThrow(RangeError);
    expect(() => signP256Deterministic(Buffer.alloc(32, 0xff), Buffer.from("x"))).toThrow(RangeError);
  });
});
