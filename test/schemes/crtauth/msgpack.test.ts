import { describe, expect, it } from "vitest";
import { MsgpackReader, MsgpackWriter } from "../../../strategy/schemes/crtauth/msgpack.js";
import { expectAuthError, hex } from "./helpers.js";

const w = () => new MsgpackWriter();

describe("MsgpackWriter: shortest forms, as both upstream packers", () => {
  it.each([
    [0, "00"],
    [1, "01"],
    [0x7f, "7f"],
    [0x80, "cc80"],
    [0xff, "ccff"],
    [0x100, "cd0100"],
    [0xffff, "cdffff"],
    [0x10000, "ce00010000"],
    [1365084334, "ce515d88ae"],
    [0xffffffff, "ceffffffff"],
  ])("uint %d → %s", (n, out) => {
    expect(w().uint(n).toBuffer().toString("hex")).toBe(out);
  });

  it.each([-1, 1.5, 2 ** 32, Number.NaN])("refuses uint %d", (n) => {
    expect(() => w().uint(n)).toThrow(RangeError);
  });

  it("bin8 / bin16 / bin32", () => {
    expect(w().bin(Buffer.alloc(0)).toBuffer().toString("hex")).toBe("c400");
    expect(w().bin(Buffer.alloc(255)).toBuffer().subarray(0, 2).toString("hex")).toBe("c4ff");
    expect(w().bin(Buffer.alloc(256)).toBuffer().subarray(0, 3).toString("hex")).toBe("c50100");
    expect(w().bin(Buffer.alloc(65536)).toBuffer().subarray(0, 5).toString("hex")).toBe("c600010000");
  });

  it("fixstr / str8 / str16 / str32 by UTF-8 byte length", () => {
    expect(w().str("noa").toBuffer().toString("hex")).toBe("a36e6f61");
    expect(w().str("").toBuffer().toString("hex")).toBe("a0");
    expect(w().str("a".repeat(31)).toBuffer()[0]).toBe(0xbf);
    expect(w().str("a".repeat(32)).toBuffer().subarray(0, 2).toString("hex")).toBe("d920");
    // 16 characters, 64 bytes: the byte count decides (Java's bug counted characters)
    expect(w().str("😀".repeat(16)).toBuffer().subarray(0, 2).toString("hex")).toBe("d940");
    expect(w().str("a".repeat(256)).toBuffer().subarray(0, 3).toString("hex")).toBe("da0100");
    expect(w().str("a".repeat(65536)).toBuffer().subarray(0, 5).toString("hex")).toBe("db00010000");
  });
});

describe("MsgpackReader", () => {
  it("reads every uint form, including non-shortest ones", () => {
    const r = new MsgpackReader(hex("05" + "cc05" + "cd0005" + "ce00000005" + "ceffffffff"));
    expect([r.uint("a"), r.uint("b"), r.uint("c"), r.uint("d"), r.uint("e")]).toEqual([5, 5, 5, 5, 0xffffffff]);
    r.end("test");
  });

  it("reads every bin and str form", () => {
    const r = new MsgpackReader(hex("c40161" + "c5000162" + "c60000000163" + "a164" + "d90165" + "da000166" + "db0000000167"));
    expect(r.bin("a", { max: 9 }).toString()).toBe("a");
    expect(r.bin("b", { max: 9 }).toString()).toBe("b");
    expect(r.bin("c", { max: 9 }).toString()).toBe("c");
    expect(r.str("d", 9)).toBe("d");
    expect(r.str("e", 9)).toBe("e");
    expect(r.str("f", 9)).toBe("f");
    expect(r.str("g", 9)).toBe("g");
    expect(r.offset).toBe(r.offset);
    r.end("test");
  });

  it.each([
    ["uint", "", "empty"],
    ["uint", "cc", "truncated uint8"],
    ["uint", "cd00", "truncated uint16"],
    ["uint", "ce000000", "truncated uint32"],
    ["uint", "cf0000000000000001", "uint64 is not in the subset"],
    ["uint", "ff", "negative fixint"],
    ["uint", "d0ff", "int8"],
    ["uint", "ca3f800000", "float32"],
    ["uint", "c3", "true"],
    ["uint", "c0", "nil"],
    ["uint", "a131", "string"],
    ["bin", "a3616263", "str where bin expected"],
    ["bin", "93010203", "array"],
    ["bin", "c403616263", "longer than max"],
    ["bin", "c40261", "declared length past the end"],
    ["bin", "c6ffffffff00", "huge bin32 length"],
    ["bin", "c5ffff00", "huge bin16 length"],
    ["bin", "c4", "missing length"],
    ["str", "c403616263", "bin where str expected"],
    ["str", "dbffffffff61", "huge str32 length"],
    ["str", "d9ff61", "str8 past the end"],
    ["str", "a2c328", "invalid UTF-8"],
    ["str", "a3eda080", "UTF-16 surrogate in UTF-8"],
    ["str", "a5" + "6161616161", "longer than maxBytes"],
    ["str", "81a161a162", "map"],
  ])("%s: rejects %s (%s)", (kind, input, _why) => {
    const r = new MsgpackReader(hex(input));
    const read = () => (kind === "uint" ? r.uint("f") : kind === "bin" ? r.bin("f", { max: 2 }) : r.str("f", 4));
    expectAuthError(read, "malformed_token");
  });

  it("enforces a minimum bin length", () => {
    expectAuthError(() => new MsgpackReader(hex("c40161")).bin("f", { min: 2, max: 4 }), "malformed_token");
  });

  it("end() refuses trailing bytes", () => {
    const r = new MsgpackReader(hex("0100"));
    r.uint("a");
    expectAuthError(() => r.end("test"), "malformed_token");
  });

  it("keeps a leading BOM instead of stripping it", () => {
    expect(new MsgpackReader(hex("a4efbbbf61")).str("f", 9)).toBe("\ufeffa");
  });
});
