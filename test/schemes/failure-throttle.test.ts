// Per-username failure throttling (issue 11, H-2): after a burst of failed signature checks
// for one username, credentials naming it are refused with 429 and Retry-After before any
// signature work, until the bucket refills. Other users are not affected.
import crypto from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { publicKeyFromKeyObject } from "../../strategy/keys/index.js";
import { FailureThrottle } from "../../strategy/schemes/failure-throttle.js";
import { forgeJwt } from "../support/forge-jwt.js";
import { fixtureKeyPair } from "../support/fixture-keys.js";
import { freshKeyPair } from "../support/fresh-keys.js";
import { getJson, startTestServer, type MemoryTestServer } from "../support/server.js";
import { lastEventCode, recordedEvents } from "../support/events.js";
import { jwtFor, spkiPem } from "../support/tokens.js";
import { plausibleModulus, rsaLine } from "../keys/support/plausible-modulus.js";
import { startAdminServer } from "../admin/support.js";

const T = 1_900_000_000;
const CRTAUTH_SECRET = "throttle-test-secret";

function junkJwt(username: string, alg = "EdDSA", signatureBytes = 64): string {
  const claims = { username, time: T, nonce: crypto.randomBytes(6).toString("hex") };
  return `JWT ${forgeJwt({ header: { alg, typ: "JWT" }, claims, sign: () => crypto.randomBytes(signatureBytes) })}`;
}

describe.each(["memory"] as const)("failure throttle over HTTP on %s", (kind) => {
  let t: MemoryTestServer;
  const alice = freshKeyPair("ed25519").privateKey;
  const bob = freshKeyPair("ed25519").privateKey;

  beforeAll(async () => {
    t = await startTestServer(kind, { startAt: T * 1000, failureThrottle: { maxFailures: 5, windowMs: 60_000 }, crtauth: { secret: CRTAUTH_SECRET } });
    await t.store.directory.addUser("alice");
    await t.store.directory.addUser("bob");
    await t.store.directory.addKey("alice", spkiPem(alice));
    await t.store.directory.addKey("bob", spkiPem(bob));
    await t.store.directory.addKey("bob", publicKeyFromKeyObject(fixtureKeyPair("rsa2048-a").publicKey).openssh);
  });
  afterAll(() => t?.close());

  it("5 bad signatures, then 429 too_many_failures with Retry-After, even for a valid credential; refills with time", async () => {
    for (let i = 0; i < 5; i++) {
      const r = await getJson(`${t.url}/whoami`, { authorization: junkJwt("alice") });
      expect([r.status, r.body.error.code, await lastEventCode(t.store)]).toEqual([401, "invalid_credentials", "bad_signature"]);
    }
    const blocked = await getJson(`${t.url}/whoami`, { authorization: junkJwt("alice") });
    expect([blocked.status, blocked.body.error.code]).toEqual([429, "too_many_failures"]);
    // One failure refills in 60 s / 5 = 12 s.
    expect(blocked.headers.get("retry-after")).toBe("12");
    const honest = await getJson(`${t.url}/whoami`, { authorization: jwtFor("alice", alice, { time: T }) });
    expect(honest.status).toBe(429);
    // Another user is not affected.
    expect((await getJson(`${t.url}/whoami`, { authorization: jwtFor("bob", bob, { time: T }) })).status).toBe(200);

    t.clock.now += 12_000;
    const later = await getJson(`${t.url}/whoami`, { authorization: jwtFor("alice", alice, { time: T + 12 }) });
    expect(later.status).toBe(200);
    // One token came back and the success did not spend it; one more failure spends it.
    expect((await getJson(`${t.url}/whoami`, { authorization: junkJwt("alice") })).status).toBe(401);
    expect((await getJson(`${t.url}/whoami`, { authorization: junkJwt("alice") })).status).toBe(429);
  });

  it("a throttled user's crtauth chap: token (an HMAC check, no signature work) still works", async () => {
    const { createToken } = await import("../../strategy/schemes/crtauth/token.js");
    for (let i = 0; i < 6; i++) await getJson(`${t.url}/whoami`, { authorization: junkJwt("bob") });
    expect((await getJson(`${t.url}/whoami`, { authorization: junkJwt("bob") })).status).toBe(429);
    const token = createToken({ username: "bob", secret: CRTAUTH_SECRET, now: () => t.clock.now }).text;
    const r = await getJson(`${t.url}/whoami`, { authorization: `chap:${token}` });
    expect([r.status, r.body.username]).toEqual([200, "bob"]);
  });

  it("failures for names nobody has are not counted (each costs one stand-in check, like a wrong key)", async () => {
    for (let i = 0; i < 20; i++) {
      const r = await getJson(`${t.url}/whoami`, { authorization: junkJwt("nobody") });
      expect([r.status, r.body.error.code, await lastEventCode(t.store)]).toEqual([401, "invalid_credentials", "unknown_key"]);
    }
  });

  it("the refusal is recorded in the event log with its code", async () => {
    const events = recordedEvents(t.store).filter((e) => e.errorCode === "too_many_failures");
    expect(events.filter((e) => e.username === "alice").length).toBe(3);
    expect(events.every((e) => e.username === "alice" || e.username === "bob")).toBe(true);
  });
});

describe("junk credentials against a user with 50 RSA-8192 keys, throttle on (defaults)", () => {
  let t: MemoryTestServer;

  beforeAll(async () => {
    t = await startTestServer("memory", { startAt: T * 1000 });
    await t.store.directory.addUser("heavy");
    for (let i = 0; i < 50; i++) await t.store.directory.addKey("heavy", rsaLine(plausibleModulus(8192), `k${i}`));
  }, 120_000);
  afterAll(() => t?.close());

  it("200 junk JWTs: 20 are checked (≤ 8 keys each), the other 180 are refused before any check", async () => {
    const statuses = new Map<number, number>();
    for (let i = 0; i < 200; i++) {
      const r = await getJson(`${t.url}/whoami`, { authorization: junkJwt("heavy", "RS512", 1024) });
      statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
    }
    expect(Object.fromEntries(statuses)).toEqual({ 401: 20, 429: 180 });
  });
});

describe("the console sign-in is throttled too", () => {
  it("POST /admin/api/login/jwt answers 429 with Retry-After once the user's bucket is empty", async () => {
    const server = await startAdminServer("sqlite");
    try {
      await server.store.directory.addUser("carol");
      await server.store.directory.addKey("carol", spkiPem(freshKeyPair("ed25519").privateKey));
      const codes: number[] = [];
      let retryAfter: string | null = null;
      for (let i = 0; i < 21; i++) {
        const r = await fetch(`${server.url}/admin/api/login/jwt`, { method: "POST", headers: { authorization: junkJwt("carol") } });
        codes.push(r.status);
        retryAfter = r.headers.get("retry-after");
      }
      expect(codes.slice(0, 20)).toEqual(Array(20).fill(401));
      expect(codes[20]).toBe(429);
      expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
    } finally {
      await server.close();
    }
  });
});

describe("FailureThrottle memory", () => {
  it("remembers at most `capacity` usernames, dropping the least recently failed", () => {
    const throttle = new FailureThrottle({ maxFailures: 1, capacity: 100 });
    throttle.recordFailure("target", 0);
    for (let i = 0; i < 99; i++) throttle.recordFailure(`u${i}`, 0);
    expect(throttle.retryAfterSeconds("target", 0)).toBe(60);
    throttle.recordFailure("one-more", 0);
    expect(throttle.size).toBe(100);
    expect(throttle.retryAfterSeconds("target", 0)).toBeNull();
    expect(throttle.retryAfterSeconds("x".repeat(65), 0)).toBeNull();
    throttle.recordFailure("x".repeat(65), 0);
    expect(throttle.size).toBe(100);
    expect(() => new FailureThrottle({ maxFailures: 0 })).toThrow(TypeError);
  });
});
