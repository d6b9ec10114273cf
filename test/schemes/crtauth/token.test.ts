import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { MAX_TOKEN_LIFETIME_S } from "../../../strategy/schemes/crtauth/constants.js";
import { appendMac, encodeTokenBody } from "../../../strategy/schemes/crtauth/messages.js";
import { secretList } from "../../../strategy/schemes/crtauth/mac.js";
import { createLegacyToken, createToken, verifyToken, verifyTokenWith } from "../../../strategy/schemes/crtauth/token.js";
import { expectAuthError, vectors } from "./helpers.js";

const V = vectors.v1.token;
const L = vectors.v0.token;
const at =
  (s: number, ms = 0) =>
  () =>
    s * 1000 + ms;
const T0 = 1_700_000_000;

/** A v1 token with arbitrary times, MACed with `secret`. */
function forge(fields: { validFrom: number; validTo: number; username: string }, secret = "s"): string {
  const body = encodeTokenBody(fields);
  return appendMac(body, createHmac("sha256", secret).update(body).digest()).toString("base64url");
}

describe("createToken", () => {
  it("reproduces the §12 v1 token from fixed inputs (valid_from = now - 2, lifetime 298)", () => {
    const t = createToken({ username: V.username, secret: V.secret, now: at(V.validFrom + 2, 999), lifetimeSeconds: 298 });
    expect(t.text).toBe(V.text);
    expect(t).toMatchObject({ validFrom: V.validFrom, validTo: V.validTo, username: "noa" });
    expect(t.expiresAt.getTime()).toBe(V.validTo * 1000);
  });

  it("defaults to 60 s", () => {
    const t = createToken({ username: "alice", secret: "s", now: at(T0) });
    expect([t.validFrom, t.validTo]).toEqual([T0 - 2, T0 + 60]);
  });

  it("caps the lifetime at 598 s so upstream validators (span ≤ 600) accept it", () => {
    expect(MAX_TOKEN_LIFETIME_S).toBe(598);
    const t = createToken({ username: "alice", secret: "s", now: at(T0), lifetimeSeconds: 598 });
    expect(verifyToken(t.text, { secret: "s", now: at(T0) }).validTo).toBe(T0 + 598);
    for (const lifetimeSeconds of [599, 600, 3600, 0, -1, 1.5]) {
      expect(() => createToken({ username: "alice", secret: "s", now: at(T0), lifetimeSeconds })).toThrow(RangeError);
    }
  });

  it("refuses bad usernames with invalid_claim", () => {
    expectAuthError(() => createToken({ username: "", secret: "s" }), "invalid_claim");
  });

  it("reproduces the §12 legacy token", () => {
    const t = createLegacyToken({ username: L.username, secret: L.secret, now: at(L.validFrom + 2), lifetimeSeconds: 60 });
    expect(t.text).toBe(L.text);
  });
});

describe("verifyToken", () => {
  it("verifyTokenWith (converted secrets, the time in hand) answers as verifyToken does", () => {
    const t = createToken({ username: "alice", secret: "old", now: at(T0) });
    const secrets = secretList(["new", "old"]);
    expect(verifyTokenWith(t.text, secrets, T0 * 1000, 0, false)).toEqual(verifyToken(t.text, { secret: ["new", "old"], now: at(T0) }));
    expectAuthError(() => verifyTokenWith(t.text, secretList("new"), T0 * 1000, 0, false), "bad_signature");
    expectAuthError(() => verifyTokenWith(t.text, secrets, (T0 + 3600) * 1000, 0, false), "token_expired");
  });

  it("accepts the §12 v1 token inside its window", () => {
    const ok = verifyToken(V.text, { secret: V.secret, now: at(V.validFrom + 10) });
    expect(ok).toMatchObject({ username: "noa", format: "v1", validFrom: V.validFrom, validTo: V.validTo });
  });

  it("accepts the §12 legacy token at upstream's validation time only with acceptLegacy", () => {
    const opts = { secret: L.secret, now: () => L.nowMs };
    expectAuthError(() => verifyToken(L.text, opts), "unsupported_version");
    expect(verifyToken(L.text, { ...opts, acceptLegacy: true })).toMatchObject({ username: "test", format: "legacy" });
    expectAuthError(() => verifyToken(L.text, { ...opts, acceptLegacy: true, secret: "x" }), "bad_signature");
  });

  it("round-trips with rotation: old secret still accepted, unknown one refused", () => {
    const t = createToken({ username: "alice", secret: "old", now: at(T0) });
    expect(verifyToken(t.text, { secret: ["new", "old"], now: at(T0) }).username).toBe("alice");
    const err = expectAuthError(() => verifyToken(t.text, { secret: "new", now: at(T0) }), "bad_signature");
    expect(err.detail).toMatchObject({ part: "token_hmac" });
  });

  it("honours the window edges", () => {
    const t = createToken({ username: "alice", secret: "s", now: at(T0) });
    verifyToken(t.text, { secret: "s", now: at(T0 - 2) });
    verifyToken(t.text, { secret: "s", now: at(T0 + 60) });
    expectAuthError(() => verifyToken(t.text, { secret: "s", now: at(T0 - 2, -1) }), "clock_skew");
    expectAuthError(() => verifyToken(t.text, { secret: "s", now: at(T0 + 60, 1) }), "token_expired");
    verifyToken(t.text, { secret: "s", now: at(T0 + 61), clockToleranceMs: 1000 });
  });

  it("refuses a token whose span exceeds 600 s even when its MAC is good", () => {
    const long = forge({ validFrom: T0 - 2, validTo: T0 + 599, username: "alice" });
    expectAuthError(() => verifyToken(long, { secret: "s", now: at(T0) }), "invalid_claim");
    expect(verifyToken(forge({ validFrom: T0 - 2, validTo: T0 + 598, username: "a" }), { secret: "s", now: at(T0) }).username).toBe("a");
  });

  it("checks the MAC before the times (a forged expired token says bad_signature)", () => {
    const forged = forge({ validFrom: 1, validTo: 2, username: "alice" }, "attacker");
    expectAuthError(() => verifyToken(forged, { secret: "s", now: at(T0) }), "bad_signature");
  });

  it("refuses a tampered token", () => {
    const bytes = Buffer.from(createToken({ username: "alice", secret: "s", now: at(T0) }).text, "base64url");
    for (let i = 2; i < bytes.length; i++) {
      const copy = Buffer.from(bytes);
      copy[i]! ^= 0x01;
      let code: string | undefined;
      try {
        verifyToken(copy.toString("base64url"), { secret: "s", now: at(T0) });
      } catch (e) {
        code = (e as { code?: string }).code;
      }
      expect(["bad_signature", "malformed_token"]).toContain(code);
    }
  });

  it("refuses a username the MAC covers but the rules forbid", () => {
    expectAuthError(() => verifyToken(forge({ validFrom: T0, validTo: T0 + 5, username: "a\u0000b" }), { secret: "s", now: at(T0) }), "invalid_claim");
  });

  it.each([
    ["", "malformed_token"],
    ["AXQ", "malformed_token"],
    ["A".repeat(9000), "credentials_too_large"],
    ["Bearer abc", "malformed_token"],
    [vectors.v1.challenge.text, "malformed_token"],
    ["AnQ", "unsupported_version"],
  ] as const)("refuses %j as %s", (text, code) => {
    expectAuthError(() => verifyToken(text, { secret: "s", now: at(T0) }), code);
  });
});
