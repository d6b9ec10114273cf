// Hand-made hostile tokens and headers against the demo server: every one must get a
// precise code and a 400/401/413, never a 500, on the memory store
// (the key-cache case on every database).
import crypto from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CachedKeyStore } from "../../../strategy/store/cache/cached-key-store.js";
import { fixtureKey, fixtureText, forgeJwt, signWith } from "../../support/forge-jwt.js";
import { databaseKinds } from "../../support/databases.js";
import { getJson, startTestServer, type MemoryTestServer, type TestServer } from "../../support/server.js";
import { freshKeyPair } from "../../support/fresh-keys.js";
import { concealedCodes, lastEventCode, publicCode } from "../../support/events.js";

const T = 1_700_000_000;
const rsa = fixtureKey("ajwt/rsa2048.pem");
const ed = fixtureKey("ajwt/ed25519.pem");
const rsaKid = "e9323344a9950443fe2c482f3f020990b81d80cfea4ede353ca5d8299a527ece";
const good = { username: "alice", time: T, nonce: "n1" };
let nonce = 0;
const fresh = (claims: Record<string, unknown> = {}) => ({ ...good, nonce: `n${++nonce}`, ...claims });
const rs512 = (claims: Record<string, unknown>, header: Record<string, unknown> = {}) =>
  `JWT ${forgeJwt({ header: { alg: "RS512", kid: rsaKid, typ: "JWT", ...header }, claims, sign: signWith.rsa(rsa) })}`;

describe.each(["memory"] as const)("hostile JWTs on %s", (kind) => {
  let t: MemoryTestServer;
  beforeAll(async () => {
    t = await startTestServer(kind, { startAt: T * 1000 });
    await t.store.directory.addUser("alice");
    await t.store.directory.addKey("alice", fixtureText("ajwt/rsa2048.pub"));
  });
  afterAll(() => t.close());

  const send = (authorization: string) => getJson(`${t.url}/whoami`, { authorization });

  it("accepts a well-formed token, so the refusals below are about what they change", async () => {
    expect((await send(rs512(fresh()))).status).toBe(200);
  });

  const rsaPublicPem = crypto.createPublicKey(rsa).export({ type: "spki", format: "pem" }) as string;
  const cases: [string, () => string, number, string][] = [
    ["alg none with no signature", () => `JWT ${forgeJwt({ header: { alg: "none" }, claims: fresh(), sign: signWith.none() })}`, 401, "alg_not_allowed"],
    ["alg None (case games)", () => `JWT ${forgeJwt({ header: { alg: "None" }, claims: fresh(), sign: signWith.none() })}`, 401, "alg_not_allowed"],
    [
      "HS256 keyed with the stored public key (algorithm confusion)",
      () => `JWT ${forgeJwt({ header: { alg: "HS256", kid: rsaKid }, claims: fresh(), sign: signWith.hmac(rsaPublicPem) })}`,
      401,
      "alg_not_allowed",
    ],
    [
      "HS512 keyed with the OpenSSH public key line",
      () => `JWT ${forgeJwt({ header: { alg: "HS512" }, claims: fresh(), sign: signWith.hmac(fixtureText("ajwt/rsa2048.pub"), "sha512") })}`,
      401,
      "alg_not_allowed",
    ],
    [
      "EdDSA against a user whose only key is RSA",
      () => `JWT ${forgeJwt({ header: { alg: "EdDSA" }, claims: fresh(), sign: signWith.ed25519(ed) })}`,
      401,
      "unknown_key",
    ],
    ["ES256 against an RSA key", () => `JWT ${forgeJwt({ header: { alg: "ES256" }, claims: fresh(), sign: () => Buffer.alloc(64) })}`, 401, "unknown_key"],
    ["an alg of __proto__", () => `JWT ${forgeJwt({ header: { alg: "__proto__" }, claims: fresh(), sign: signWith.rsa(rsa) })}`, 401, "alg_not_allowed"],
    ["an alg that is not a string", () => `JWT ${forgeJwt({ header: { alg: ["RS512"] }, claims: fresh(), sign: signWith.rsa(rsa) })}`, 400, "malformed_token"],
    ["a critical header extension", () => rs512(fresh(), { crit: ["exp"] }), 400, "malformed_token"],
    ["a kid that is an object", () => rs512(fresh(), { kid: { $ne: null } }), 400, "malformed_token"],
    [
      "a token signed by another key",
      () => `JWT ${forgeJwt({ header: { alg: "RS512" }, claims: fresh(), sign: signWith.rsa(freshKeyPair("rsa", { modulusLength: 2048 }).privateKey) })}`,
      401,
      "bad_signature",
    ],
    ["no username", () => rs512({ time: T, nonce: "x1" }), 401, "missing_claim"],
    ["an empty username", () => rs512(fresh({ username: "" })), 401, "invalid_claim"],
    ["a numeric username", () => rs512(fresh({ username: 42 })), 401, "invalid_claim"],
    ["an object username", () => rs512(fresh({ username: { toString: "alice" } })), 401, "invalid_claim"],
    ["a string time (a 500 upstream)", () => rs512(fresh({ time: String(T) })), 401, "invalid_claim"],
    ["time zero", () => rs512(fresh({ time: 0 })), 401, "invalid_claim"],
    ["no time", () => rs512({ username: "alice", nonce: "x2" }), 401, "missing_claim"],
    ["time a day old", () => rs512(fresh({ time: T - 86_400 })), 401, "clock_skew"],
    ["time a minute ahead", () => rs512(fresh({ time: T + 60 })), 401, "clock_skew"],
    ["an empty nonce", () => rs512(fresh({ nonce: "" })), 401, "missing_claim"],
    ["no nonce", () => rs512({ username: "alice", time: T }), 401, "missing_claim"],
    ["an object nonce", () => rs512(fresh({ nonce: { a: 1 } })), 401, "invalid_claim"],
    ["a 10 kB nonce", () => rs512(fresh({ nonce: "n".repeat(300) })), 401, "invalid_claim"],
    ["an aud claim (PyJWT refuses any when none is configured)", () => rs512(fresh({ aud: "x" })), 401, "invalid_audience"],
    ["an iat in the future (PyJWT: ImmatureSignatureError)", () => rs512(fresh({ iat: T + 1 })), 401, "clock_skew"],
    ["an iat half a second ahead (PyJWT compares whole seconds, no leeway)", () => rs512(fresh({ iat: T + 0.5 })), 401, "clock_skew"],
    ["a non-numeric iat (PyJWT: InvalidIssuedAtError)", () => rs512(fresh({ iat: "yesterday" })), 401, "invalid_claim"],
    ["a numeric-string iat (a TypeError, a 500, in PyJWT)", () => rs512(fresh({ iat: String(T) })), 401, "invalid_claim"],
    ["a null iat", () => rs512(fresh({ iat: null })), 401, "invalid_claim"],
    ["an exp in the past", () => rs512(fresh({ exp: T - 1 })), 401, "token_expired"],
    ["an nbf in the future", () => rs512(fresh({ nbf: T + 5 })), 401, "clock_skew"],
    [
      "a payload that is an array",
      () => `JWT ${forgeJwt({ header: { alg: "RS512" }, claims: [1, 2] as never, sign: signWith.rsa(rsa) })}`,
      400,
      "malformed_token",
    ],
    [
      "a payload that is not JSON",
      () => `JWT ${Buffer.from('{"alg":"RS512"}').toString("base64url")}.${Buffer.from("{nope").toString("base64url")}.AAAA`,
      400,
      "malformed_token",
    ],
    ["a header that is not base64url", () => "JWT ab$c.def.ghi", 400, "malformed_header"],
    ["padding in a segment", () => "JWT eyJhIjoxfQ==.eyJhIjoxfQ.AA", 400, "malformed_header"],
    [
      "a signature in standard base64 (+ and /)",
      () => {
        const t = rs512(fresh());
        return t
          .replace(/[^.]+$/, (sig) => sig.replace(/-/g, "+").replace(/_/g, "/"))
          .replace(/[^.]+$/, (sig) => (/[+/]/.test(sig) ? sig : `${sig.slice(0, -1)}+`));
      },
      400,
      "malformed_token",
    ],
    // 256 signature bytes end in a 2-character group whose last character has 4 unused bits: flip one.
    [
      "a signature whose last character carries stray bits",
      () => {
        const t = rs512(fresh());
        const abc = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        return t.slice(0, -1) + abc[abc.indexOf(t.at(-1)!) ^ 1];
      },
      400,
      "malformed_token",
    ],
    ["four segments", () => "JWT a.b.c.d", 400, "malformed_token"],
    ["one segment", () => "JWT abc", 400, "malformed_token"],
    ["empty segments", () => "JWT ..", 400, "malformed_token"],
    ["a base64url segment of impossible length", () => "JWT a.b.c", 400, "malformed_token"],
    ["a 9 kB token", () => `JWT ${"a".repeat(9000)}.b.c`, 413, "credentials_too_large"],
    ["a 15 kB header", () => `JWT ${"a".repeat(15000)}`, 413, "credentials_too_large"],
    ["a scheme word alone", () => "JWT", 400, "malformed_header"],
    ["an unknown scheme", () => "Basic YWxpY2U6c2VjcmV0", 401, "unsupported_scheme"],
    ["a Bearer JWT (asymmetric-jwt-auth's word is JWT)", () => `Bearer ${rs512(fresh()).slice(4)}`, 401, "unsupported_scheme"],
    [
      "deeply nested JSON",
      () => `JWT ${Buffer.from('{"alg":"RS512"}').toString("base64url")}.${Buffer.from("[".repeat(3000) + "]".repeat(3000)).toString("base64url")}.AAAA`,
      400,
      "malformed_token",
    ],
  ];
  for (const [name, make, status, code] of cases) {
    it(`refuses ${name}: ${status} ${publicCode(code)}${concealedCodes.has(code) ? ` (${code} in the event log)` : ""}`, async () => {
      const r = await send(make());
      expect(r.body.error?.code, JSON.stringify(r.body)).toBe(publicCode(code));
      expect(r.status).toBe(status);
      if (concealedCodes.has(code)) expect(await lastEventCode(t.store)).toBe(code);
    });
  }

  it("accepts an iat now or in the past, as PyJWT does", async () => {
    for (const iat of [T, T - 3600, T - 0.5]) expect((await send(rs512(fresh({ iat })))).status, String(iat)).toBe(200);
  });

  it("checks a header it has seen before just as strictly", async () => {
    // Valid headers are remembered by their text; a refused one must never be.
    for (let i = 0; i < 2; i++) expect((await send(rs512(fresh(), { crit: ["exp"] }))).body.error.code).toBe("malformed_token");
    const header = rs512(fresh()).split(".")[0]!;
    for (let i = 0; i < 2; i++) {
      const r = await send(`${header}.${rs512(fresh()).split(".")[1]}.${rs512(fresh()).split(".")[2]}`);
      expect(r.body.error.code).toBe("invalid_credentials");
      expect(await lastEventCode(t.store)).toBe("bad_signature");
    }
    expect((await send(rs512(fresh()))).status).toBe(200);
  });

  it("answers a missing header with 401 and a challenge for each scheme", async () => {
    const r = await getJson(`${t.url}/whoami`);
    expect(r.status).toBe(401);
    expect(r.body.error.code).toBe("missing_credentials");
    expect(r.headers.get("www-authenticate")).toContain('JWT realm="passport-sshkey"');
  });
});

// On each database: the key cache it counts misses in is the Prisma store's (CachedKeyStore).
describe.each(databaseKinds)("hostile JWT kids on %s", (kind) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(kind, { startAt: T * 1000 });
    await t.store.directory.addUser("alice");
    await t.store.directory.addKey("alice", fixtureText("ajwt/rsa2048.pub"));
  });
  afterAll(() => t.close());

  const send = (authorization: string) => getJson(`${t.url}/whoami`, { authorization });

  it("refuses a kid that is not 64 lower-case hex without a key lookup: junk kids leave no trace in the key cache", async () => {
    const cache = t.store.keys as CachedKeyStore;
    const misses = () => cache.stats().negativeEntries;
    const before = misses();
    for (let i = 0; i < 50; i++) {
      const kid = `${i}`.padStart(5500, "z");
      const r = await send(rs512(fresh(), { kid }));
      expect([r.status, r.body.error.code]).toEqual([401, "invalid_credentials"]);
    }
    expect(await lastEventCode(t.store)).toBe("unknown_key");
    expect(misses()).toBe(before);
    // A well-formed kid that names no key is looked up (and remembered as a miss).
    await send(rs512(fresh(), { kid: crypto.randomBytes(32).toString("hex") }));
    expect(misses()).toBe(before + 1);
  });
});
