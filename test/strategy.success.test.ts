import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import { parsePublicKey } from "../strategy/keys/index.js";
import { databaseKinds } from "./support/databases.js";
import { getJson, startTestServer, type MemoryTestServer, type TestServer } from "./support/server.js";
import { jwtFor, spkiPem } from "./support/tokens.js";
import { freshKeyPair } from "./support/fresh-keys.js";
import { lastEventCode, recordedEvents } from "./support/events.js";

const T = 1_700_000_000;
const until = async (check: () => Promise<boolean>) => {
  for (let i = 0; i < 100 && !(await check()); i++) await new Promise((r) => setTimeout(r, 20));
};

describe.each(["memory"] as const)("successful authentication on %s", (kind) => {
  let t: MemoryTestServer;
  const ed1 = freshKeyPair("ed25519").privateKey;
  const ed2 = freshKeyPair("ed25519").privateKey;
  const ecdsa = {
    ES256: freshKeyPair("ec", { namedCurve: "P-256" }).privateKey,
    ES384: freshKeyPair("ec", { namedCurve: "P-384" }).privateKey,
    ES512: freshKeyPair("ec", { namedCurve: "P-521" }).privateKey,
  };
  beforeAll(async () => {
    t = await startTestServer(kind, { startAt: T * 1000 });
    await t.store.directory.addUser("alice");
    await t.store.directory.addUser("erin");
    await t.store.directory.addKey("alice", spkiPem(ed1), { comment: "laptop" });
    await t.store.directory.addKey("alice", spkiPem(ed2), { comment: "desktop" });
    for (const key of Object.values(ecdsa)) await t.store.directory.addKey("erin", spkiPem(key));
  });
  afterAll(() => t.close());

  it("tries every key of the user when the token has no kid", async () => {
    for (const [key, comment] of [
      [ed1, "laptop"],
      [ed2, "desktop"],
    ] as const) {
      const r = await getJson(`${t.url}/whoami`, { authorization: jwtFor("alice", key, { time: T }) });
      expect(r.status).toBe(200);
      expect(r.body.fingerprint).toBe(parsePublicKey(spkiPem(key)).fingerprintSha256);
      expect(comment).toBeTruthy();
    }
  });

  it("uses the key named by kid", async () => {
    const kid = parsePublicKey(spkiPem(ed2)).kid;
    const r = await getJson(`${t.url}/whoami`, { authorization: jwtFor("alice", ed2, { time: T, kid }) });
    expect(r.status).toBe(200);
    expect(r.body.fingerprint).toBe(parsePublicKey(spkiPem(ed2)).fingerprintSha256);
  });

  it("refuses a kid that names another user's key signed for alice, without trying alice's keys", async () => {
    const erinKid = parsePublicKey(spkiPem(ecdsa.ES256)).kid;
    const r = await getJson(`${t.url}/whoami`, { authorization: jwtFor("alice", ecdsa.ES256, { time: T, kid: erinKid }) });
    expect(r.status).toBe(401);
    // Not alice's key, whatever its type: unknown_key in the log, the one public failure outside.
    expect(r.body.error.code).toBe("invalid_credentials");
    expect(await lastEventCode(t.store)).toBe("unknown_key");
  });

  it("a kid names the only key tried: alice's other key does not rescue a token whose kid is wrong", async () => {
    const ed1Kid = parsePublicKey(spkiPem(ed1)).kid;
    const r = await getJson(`${t.url}/whoami`, { authorization: jwtFor("alice", ed2, { time: T, kid: ed1Kid }) });
    expect(r.status).toBe(401);
    expect(r.body.error.code).toBe("invalid_credentials");
    expect(await lastEventCode(t.store)).toBe("bad_signature");
  });

  for (const alg of ["ES256", "ES384", "ES512"] as const) {
    it(`verifies ${alg} for ECDSA keys (beyond upstream)`, async () => {
      const r = await getJson(`${t.url}/whoami`, { authorization: jwtFor("erin", ecdsa[alg], { time: T }) });
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({ username: "erin", scheme: "jwt" });
    });
  }

  it("records an event for every success and failure", async () => {
    await getJson(`${t.url}/whoami`, { authorization: jwtFor("alice", ed1, { time: T }), "user-agent": "events-test/1" });
    await getJson(`${t.url}/whoami`, { authorization: jwtFor("alice", freshKeyPair("ed25519").privateKey, { time: T }), "user-agent": "events-test/1" });
    const events = recordedEvents(t.store).filter((e) => e.userAgent === "events-test/1");
    expect(events.map((e) => [e.outcome, e.errorCode, e.scheme, e.username])).toEqual([
      ["success", null, "jwt", "alice"],
      ["failure", "bad_signature", "jwt", "alice"],
    ]);
    expect(events[0]!.keyId).not.toBeNull();
    expect(events[0]!.ip).toMatch(/127\.0\.0\.1/);
  });
});

// On each database: the Prisma store batches last-used writes (the memory one writes them at once).
describe.each(databaseKinds)("key activity on %s", (kind) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(kind, { startAt: T * 1000 });
    await t.store.directory.addUser("alice");
  });
  afterAll(() => t.close());

  it("records last-used at most once per interval and counts every use", async () => {
    onTestFinished(() => {
      t.clock.now = T * 1000;
    });
    const key = await t.store.directory.addKey("alice", spkiPem(freshKeyPair("ed25519").publicKey));
    const signer = freshKeyPair("ed25519");
    await t.store.directory.addKey("alice", spkiPem(signer.privateKey), { comment: "counted" });
    const fingerprint = parsePublicKey(spkiPem(signer.privateKey)).fingerprintSha256;
    const row = () => t.store.directory.findKey(fingerprint);
    const use = async () =>
      expect((await getJson(`${t.url}/whoami`, { authorization: jwtFor("alice", signer.privateKey, { time: t.clock.now / 1000 }) })).status).toBe(200);

    await use();
    await until(async () => (await row()).useCount === 1);
    const first = await row();
    expect(first.useCount).toBe(1);
    expect(first.lastUsedAt?.getTime()).toBe(t.clock.now);
    expect(first.lastUsedScheme).toBe("jwt");
    expect(first.lastUsedIp).toMatch(/127\.0\.0\.1/);

    t.clock.now += 10_000;
    await use();
    await use();
    await new Promise((r) => setTimeout(r, 200));
    expect((await row()).useCount).toBe(1); // within the minute: not written yet

    t.clock.now += 60_000; // the minute is over: the uses counted meanwhile are written
    await until(async () => (await row()).useCount === 3);
    expect((await row()).useCount).toBe(3);
    await use();
    await new Promise((r) => setTimeout(r, 200));
    expect((await row()).useCount).toBe(3);

    await t.store.events.flush(); // what shutdown does: nothing pending is lost
    const last = await row();
    expect(last.useCount).toBe(4);
    expect(last.lastUsedAt?.getTime()).toBe(t.clock.now);
    expect(key.useCount).toBe(0);
  });
});
