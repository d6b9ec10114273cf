import { describe, expect, it } from "vitest";
import { parseRequest } from "../../../strategy/schemes/crtauth/request.js";
import { expectAuthError, vectors } from "./helpers.js";

describe("parseRequest", () => {
  it("reads v1 requests", () => {
    expect(parseRequest(vectors.v1.requests.alice!)).toEqual({ version: 1, username: "alice" });
    expect(parseRequest("AXGjbm9h")).toEqual({ version: 1, username: "noa" });
  });

  it("refuses bare v0 usernames unless legacy is allowed", () => {
    expectAuthError(() => parseRequest("stack"), "malformed_token");
    expect(parseRequest("stack", { allowLegacy: true })).toEqual({ version: 0, username: "stack" });
  });

  it("reads a str16 request as v1 (the Python server misreads it as a v0 username)", () => {
    expect(parseRequest("AXHaAANhYmM", { allowLegacy: true })).toEqual({ version: 1, username: "abc" });
  });

  it("does not fall back to v0 for a v1 request with a bad username", () => {
    const tooLong = Buffer.concat([Buffer.from("0171d941", "hex"), Buffer.alloc(65, 0x61)]).toString("base64url");
    expectAuthError(() => parseRequest(tooLong, { allowLegacy: true }), "invalid_claim");
  });

  it("checks v0 usernames too", () => {
    expectAuthError(() => parseRequest("a".repeat(65), { allowLegacy: true }), "invalid_claim");
    expectAuthError(() => parseRequest("bad\nname", { allowLegacy: true }), "invalid_claim");
  });

  it.each([
    ["", "malformed_token"],
    ["A", "malformed_token"],
    ["AXGj*", "malformed_token"],
    ["AXE", "malformed_token"], // header only
    ["AAAA", "unsupported_version"], // version 0
    ["AGOj", "unsupported_version"],
  ] as const)("refuses %j without legacy (%s)", (v, code) => {
    expectAuthError(() => parseRequest(v), code);
  });
});
