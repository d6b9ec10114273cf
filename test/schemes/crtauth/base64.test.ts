import { describe, expect, it } from "vitest";
import { decodeBase64Url, encodeBase64Url } from "../../../strategy/schemes/crtauth/base64.js";
import { expectAuthError } from "./helpers.js";

describe("crtauth base64", () => {
  it("encodes unpadded base64url", () => {
    expect(encodeBase64Url(Buffer.from([0x01, 0x71, 0xa3, 0x6e, 0x6f, 0x61]))).toBe("AXGjbm9h");
    expect(encodeBase64Url(Buffer.from([0xfb, 0xff]))).toBe("-_8");
  });

  it.each([
    ["AXGjbm9h", "0171a36e6f61"],
    ["AXGlYWxpY2U", "0171a5616c696365"], // unpadded, len % 4 == 3
    ["AXGlYWxpY2U=", "0171a5616c696365"], // padded
    ["-_8", "fbff"],
    ["+/8", "fbff"], // standard alphabet, as Python accepts
    ["+/8=", "fbff"],
    ["-/8", "fbff"], // mixed alphabets
    ["AQ", "01"],
    ["AQ==", "01"],
  ])("decodes %s", (text, bytes) => {
    expect(decodeBase64Url(text).toString("hex")).toBe(bytes);
  });

  it.each([
    ["", "empty"],
    ["====", "only padding"],
    ["A", "len % 4 == 1"],
    ["AXGjb", "len % 4 == 1"],
    ["AQ=", "short padding"],
    ["AQ===", "too much padding"],
    ["AQ=A", "padding inside"],
    ["AX Gj", "space"],
    ["AXGj\n", "newline"],
    ["AXG.", "dot"],
    ["AXG*bm9h", "asterisk"],
    ["äXGj", "non-ASCII"],
    ["chap:AXGj", "colon"],
  ])("rejects %j (%s) as malformed_token", (text) => {
    expectAuthError(() => decodeBase64Url(text), "malformed_token");
  });

  it("rejects over-long input as credentials_too_large before decoding", () => {
    expectAuthError(() => decodeBase64Url("A".repeat(8193)), "credentials_too_large");
    expect(decodeBase64Url("A".repeat(8192)).length).toBe(6144);
    expectAuthError(() => decodeBase64Url("AAAAAAAA", 4), "credentials_too_large");
  });

  it("rejects a non-string with an AuthError", () => {
    expectAuthError(() => decodeBase64Url(42 as unknown as string), "malformed_token");
  });
});

describe("crtauth base64 of views", () => {
  it("encodes only the viewed bytes of a Uint8Array", () => {
    const backing = Buffer.from([0xff, 0x01, 0x71, 0xff]);
    expect(encodeBase64Url(backing.subarray(1, 3))).toBe("AXE");
  });
});
