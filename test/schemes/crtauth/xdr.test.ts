import { describe, expect, it } from "vitest";
import { XdrReader, XdrWriter } from "../../../strategy/schemes/crtauth/xdr.js";
import { expectAuthError, hex } from "./helpers.js";

describe("XdrWriter", () => {
  it("writes uint, fixed opaque and opaque with zero padding (xdrlib layout)", () => {
    const out = new XdrWriter().fixedOpaque(Buffer.from("t"), 1).uint(0x515d88ae).opaque(Buffer.from("noa")).opaque(Buffer.from("test")).toBuffer();
    expect(out.toString("hex")).toBe("74000000" + "515d88ae" + "000000036e6f6100" + "0000000474657374");
  });

  it("refuses bad values", () => {
    expect(() => new XdrWriter().uint(-1)).toThrow(RangeError);
    expect(() => new XdrWriter().uint(2 ** 32)).toThrow(RangeError);
    expect(() => new XdrWriter().fixedOpaque(Buffer.alloc(3), 4)).toThrow(RangeError);
  });
});

describe("XdrReader", () => {
  it("reads back what the writer wrote", () => {
    const r = new XdrReader(hex("74000000" + "515d88ae" + "000000036e6f6100"));
    expect(r.fixedOpaque(1, "m").toString()).toBe("t");
    expect(r.uint("u")).toBe(0x515d88ae);
    expect(r.opaque("s", { max: 8 }).toString()).toBe("noa");
    r.end("test");
  });

  it.each([
    ["", "empty"],
    ["000000", "truncated length"],
    ["00000003616263", "missing padding"],
    ["000000036162", "truncated data"],
    ["0000000361626301", "non-zero padding"],
    ["ffffffff61626364", "huge length"],
    ["0000000961626364", "longer than max"],
  ])("opaque rejects %s (%s)", (input) => {
    expectAuthError(() => new XdrReader(hex(input)).opaque("f", { max: 8 }), "malformed_token");
  });

  it("enforces a minimum opaque length and refuses trailing bytes", () => {
    expectAuthError(() => new XdrReader(hex("00000000")).opaque("f", { min: 1, max: 8 }), "malformed_token");
    const r = new XdrReader(hex("0000000100"));
    r.uint("u");
    expectAuthError(() => r.end("test"), "malformed_token");
  });
});
