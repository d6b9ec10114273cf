import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createChallenge, fakeFingerprint, keyFingerprint, sealChallenge } from "../../../strategy/schemes/crtauth/challenge.js";
import { decodeVerifiablePayload, decodeLegacyChallenge } from "../../../strategy/schemes/crtauth/legacy.js";
import { decodeChallenge } from "../../../strategy/schemes/crtauth/messages.js";
import { expectAuthError, hex, upstreamKey, vectors } from "./helpers.js";

const C = vectors.v1.challenge;
const at =
  (unixSeconds: number, ms = 0) =>
  () =>
    unixSeconds * 1000 + ms;

describe("createChallenge", () => {
  it("reproduces the §12 v1 challenge byte for byte from its fields and secret", () => {
    const fields = {
      uniqueData: hex(C.uniqueDataHex),
      validFrom: C.validFrom,
      validTo: C.validTo,
      fingerprint: hex(C.fingerprintHex),
      serverName: C.serverName,
      username: C.username,
    };
    expect(sealChallenge(fields, Buffer.from(C.secret)).toString("base64url")).toBe(C.text);
  });

  it("builds the exact v1 layout with the user's key fingerprint (upstream key db65a2d4f910)", () => {
    const key = upstreamKey().parsed;
    expect(keyFingerprint(key)!.toString("hex")).toBe("db65a2d4f910");
    const made = createChallenge({
      username: "username",
      serverName: "server.example.com",
      secret: "secret",
      key,
      now: at(1365084336),
      random: () => hex(C.uniqueDataHex),
    });
    const c = decodeChallenge(made.bytes);
    expect(c).toMatchObject({ validFrom: 1365084334, validTo: 1365084356, serverName: "server.example.com", username: "username" });
    expect(c.fingerprint.toString("hex")).toBe("db65a2d4f910");
    expect(made.fake).toBe(false);
    expect(made.text).toBe(made.bytes.toString("base64url"));
    expect(made.bytes.toString("hex")).toBe(
      "0163" +
        "c414" +
        C.uniqueDataHex +
        "ce515d88ae" +
        "ce515d88c4" +
        "c406db65a2d4f910" +
        "b2" +
        Buffer.from("server.example.com").toString("hex") +
        "a8" +
        Buffer.from("username").toString("hex") +
        "c420" +
        createHmacHex("secret", made.bytes.subarray(0, made.bytes.length - 34)),
    );
  });

  it("uses crtauth-java's fake fingerprint for unknown users (§12: spotify/another → 0e5aab7eda88)", () => {
    const F = vectors.v1.fakeFingerprint;
    expect(fakeFingerprint(Buffer.from(F.secret), F.username).toString("hex")).toBe(F.java);
    const made = createChallenge({ username: F.username, serverName: "h", secret: F.secret, key: null, now: at(1e9) });
    expect(made.fake).toBe(true);
    expect(made.fields.fingerprint.toString("hex")).toBe(F.java);
  });

  it("gives an unknown user the same fingerprint every time, and different users different ones", () => {
    const one = () => createChallenge({ username: "ghost", serverName: "h", secret: "s" }).fields.fingerprint.toString("hex");
    expect(one()).toBe(one());
    expect(createChallenge({ username: "ghost2", serverName: "h", secret: "s" }).fields.fingerprint.toString("hex")).not.toBe(one());
  });

  it("treats a non-RSA key like no key (no enumeration by error)", () => {
    const ed = { ...upstreamKey().parsed, type: "ssh-ed25519" as const };
    const made = createChallenge({ username: "bob", serverName: "h", secret: "s", key: ed });
    expect(made.fake).toBe(true);
  });

  it("draws 20 random bytes each time by default", () => {
    const a = createChallenge({ username: "bob", serverName: "h", secret: "s" });
    const b = createChallenge({ username: "bob", serverName: "h", secret: "s" });
    expect(a.fields.uniqueData.equals(b.fields.uniqueData)).toBe(false);
  });

  it("MACs with the first of several secrets", () => {
    const made = createChallenge({ username: "bob", serverName: "h", secret: ["new", "old"], now: at(1e9) });
    const c = decodeChallenge(made.bytes);
    expect(c.hmac.toString("hex")).toBe(createHmacHex("new", c.signedPart));
  });

  it("reproduces the §12 legacy challenge byte for byte", () => {
    const L = vectors.v0.challenge;
    const fields = {
      uniqueData: hex(L.uniqueDataHex),
      validFrom: L.validFrom,
      validTo: L.validTo,
      fingerprint: hex(L.fingerprintHex),
      serverName: L.serverName,
      username: L.username,
    };
    expect(sealChallenge(fields, Buffer.from(L.secret), 0).toString("base64url")).toBe(L.text);
  });

  it("builds v0 challenges with the upstream window when asked", () => {
    const made = createChallenge({
      username: "username",
      serverName: "server.example.com",
      secret: "secret",
      key: upstreamKey().parsed,
      now: at(1365084336),
      random: () => Buffer.alloc(20),
      version: 0,
    });
    const c = decodeLegacyChallenge(decodeVerifiablePayload(made.bytes).payload);
    expect(c).toMatchObject({ validFrom: 1365084334, validTo: 1365084356 });
    expect(c.fingerprint.toString("hex")).toBe("db65a2d4f910");
  });

  it.each([
    ["", "invalid_claim"],
    ["a".repeat(65), "invalid_claim"],
    ["tab\tname", "invalid_claim"],
  ] as const)("refuses username %j with %s", (username, code) => {
    expectAuthError(() => createChallenge({ username, serverName: "h", secret: "s" }), code);
  });

  it("accepts a 64-character username", () => {
    expect(createChallenge({ username: "ü".repeat(64), serverName: "h", secret: "s" }).fields.username).toHaveLength(64);
  });

  it.each(["", "server_name", "a b", "h".repeat(256), "[::1]"])("refuses server name %j (TypeError)", (serverName) => {
    expect(() => createChallenge({ username: "u", serverName, secret: "s" })).toThrow(TypeError);
  });

  it("refuses empty secrets and bad random sources (TypeError/RangeError)", () => {
    expect(() => createChallenge({ username: "u", serverName: "h", secret: "" })).toThrow(TypeError);
    expect(() => createChallenge({ username: "u", serverName: "h", secret: [] })).toThrow(TypeError);
    expect(() => createChallenge({ username: "u", serverName: "h", secret: "s", random: () => Buffer.alloc(19) })).toThrow(RangeError);
  });
});

function createHmacHex(secret: string, data: Buffer): string {
  return createHmac("sha256", secret).update(data).digest("hex");
}
