// Golden tokens made by the upstream asymmetric-jwt-auth client, verified through the
// demo server on the memory store, and altered copies of them refused with the right code.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixtureText, vectors } from "../../support/forge-jwt.js";
import { getJson, startTestServer, type MemoryTestServer } from "../../support/server.js";
import { concealedCodes, lastEventCode, publicCode } from "../../support/events.js";

interface AjwtVector {
  id: string;
  username: string;
  time: number;
  authorization_header: string;
  public_keys: string[];
  accept_at: number[];
  reject_at: number[];
}
const ajwt: AjwtVector[] = vectors.ajwt;
const keyFile = (p: string) => fixtureText(p.replace(/^keys\//, ""));

/** Registers each vector's user and key. Keys are unique across users, so one key serves one owner per server. */
async function seed(t: MemoryTestServer, served: AjwtVector[], publicKeyIndex = 0) {
  for (const v of served) {
    await t.store.directory.addUser(v.username).catch(() => {});
    const file = v.public_keys[Math.min(publicKeyIndex, v.public_keys.length - 1)]!;
    await t.store.directory.addKey(v.username, keyFile(file));
  }
}
const aliceVectors = ajwt.filter((v) => v.username === "alice");
const unicodeVector = ajwt.find((v) => v.username !== "alice")!;

describe.each(["memory"] as const)("asymmetric-jwt-auth golden vectors on %s", (kind) => {
  let t: MemoryTestServer;
  beforeAll(async () => {
    t = await startTestServer(kind, { startAt: 1_700_000_000_000 });
    await seed(t, aliceVectors);
  });
  afterAll(() => t.close());

  it("accepts a golden token once, then refuses it as a replay", async () => {
    const v = aliceVectors[0]!;
    const first = await getJson(`${t.url}/whoami`, { authorization: v.authorization_header });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ username: "alice", scheme: "jwt" });
    expect(first.body.fingerprint).toMatch(/^SHA256:/);
    const again = await getJson(`${t.url}/whoami`, { authorization: v.authorization_header });
    expect(again.status).toBe(401);
    expect(again.body.error.code).toBe("replayed");
  });

  it("refuses another key's token with the same (username, time, nonce), as upstream's nonce rule does", async () => {
    const other = aliceVectors[1]!;
    const r = await getJson(`${t.url}/whoami`, { authorization: other.authorization_header });
    expect(r.status).toBe(401);
    expect(r.body.error.code).toBe("replayed");
  });
});

describe.each(["memory"] as const)("asymmetric-jwt-auth clock window on %s (replay protection off)", (kind) => {
  let t: MemoryTestServer;
  beforeAll(async () => {
    t = await startTestServer(kind, { jwt: { replayProtection: false } });
    // PEM-registered keys must behave exactly like OpenSSH-registered ones.
    await seed(t, aliceVectors, 1);
  });
  afterAll(() => t.close());

  for (const v of aliceVectors) {
    for (const at of v.accept_at) {
      it(`${v.id} is accepted at ${at}`, async () => {
        t.clock.now = at * 1000;
        const r = await getJson(`${t.url}/whoami`, { authorization: v.authorization_header });
        expect(r.status, JSON.stringify(r.body)).toBe(200);
        expect(r.body.username).toBe(v.username);
      });
    }
    for (const at of v.reject_at) {
      it(`${v.id} is refused at ${at} as clock skew`, async () => {
        t.clock.now = at * 1000;
        const r = await getJson(`${t.url}/whoami`, { authorization: v.authorization_header });
        expect(r.status).toBe(401);
        expect(r.body.error.code).toBe("clock_skew");
        expect(r.headers.get("www-authenticate")).toMatch(/^JWT realm="passport-sshkey", error="invalid_token"/);
      });
    }
  }
  it("accepts fractional seconds at the inclusive edges and refuses half a second beyond", async () => {
    const v = ajwt[0]!;
    t.clock.now = (v.time + 20) * 1000;
    expect((await getJson(`${t.url}/whoami`, { authorization: v.authorization_header })).status).toBe(200);
    t.clock.now = (v.time + 20.5) * 1000;
    expect((await getJson(`${t.url}/whoami`, { authorization: v.authorization_header })).status).toBe(401);
  });
});

describe.each(["memory"] as const)("a non-ASCII username on %s", (kind) => {
  let t: MemoryTestServer;
  beforeAll(async () => {
    t = await startTestServer(kind, { startAt: unicodeVector.time * 1000 });
    await seed(t, [unicodeVector]);
  });
  afterAll(() => t.close());

  it(`${unicodeVector.id} is accepted for ${unicodeVector.username}`, async () => {
    const r = await getJson(`${t.url}/whoami`, { authorization: unicodeVector.authorization_header });
    expect(r.status).toBe(200);
    expect(r.body.username).toBe(unicodeVector.username);
  });
});

describe.each(["memory"] as const)("altered golden tokens on %s", (kind) => {
  let t: MemoryTestServer;
  beforeAll(async () => {
    t = await startTestServer(kind, { startAt: 1_700_000_000_000, jwt: { replayProtection: false } });
    await seed(t, aliceVectors);
  });
  afterAll(() => t.close());

  const rsa = ajwt.find((v) => v.id === "ajwt-rsa-rs512")!;
  const [scheme, token] = rsa.authorization_header.split(" ") as [string, string];
  const [h, p, s] = token.split(".") as [string, string, string];
  const reencode = (part: string, edit: (o: any) => void) => {
    const o = JSON.parse(Buffer.from(part, "base64url").toString());
    edit(o);
    return Buffer.from(JSON.stringify(o)).toString("base64url");
  };
  const flip = (sig: string) => {
    const b = Buffer.from(sig, "base64url");
    b[b.length - 1]! ^= 1;
    return b.toString("base64url");
  };

  const cases: [string, string, number, string][] = [
    ["a flipped signature bit", `${scheme} ${h}.${p}.${flip(s)}`, 401, "bad_signature"],
    ["a username nobody has", `${scheme} ${h}.${reencode(p, (o) => (o.username = "nobody"))}.${s}`, 401, "unknown_key"],
    ["a changed time claim", `${scheme} ${h}.${reencode(p, (o) => (o.time += 1))}.${s}`, 401, "bad_signature"],
    ["a changed nonce", `${scheme} ${h}.${reencode(p, (o) => (o.nonce = "other"))}.${s}`, 401, "bad_signature"],
    ["alg none", `${scheme} ${reencode(h, (o) => (o.alg = "none"))}.${p}.`, 401, "alg_not_allowed"],
    ["alg RS256 over an RS512 signature", `${scheme} ${reencode(h, (o) => (o.alg = "RS256"))}.${p}.${s}`, 401, "bad_signature"],
    ["alg PS512, which upstream refuses too", `${scheme} ${reencode(h, (o) => (o.alg = "PS512"))}.${p}.${s}`, 401, "alg_not_allowed"],
    [
      "an unknown kid (only the named key is tried, and there is none)",
      `${scheme} ${reencode(h, (o) => (o.kid = "0".repeat(64)))}.${p}.${s}`,
      401,
      "unknown_key",
    ],
    ["the signature dropped", `${scheme} ${h}.${p}`, 400, "malformed_token"],
    ["the token truncated mid-payload", `${scheme} ${h}.${p.slice(0, 10)}`, 400, "malformed_token"],
    ["the signature truncated", `${scheme} ${h}.${p}.${s.slice(0, 40)}`, 401, "bad_signature"],
  ];
  for (const [name, header, status, code] of cases) {
    it(`refuses ${name}: ${status} ${publicCode(code)}${concealedCodes.has(code) ? ` (${code} in the event log)` : ""}`, async () => {
      const r = await getJson(`${t.url}/whoami`, { authorization: header });
      expect(r.body.error?.code).toBe(publicCode(code));
      expect(r.status).toBe(status);
      if (concealedCodes.has(code)) expect(await lastEventCode(t.store)).toBe(code);
    });
  }
});
