import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parsePublicKey } from "../strategy/keys/index.js";
import { databaseKinds } from "./support/databases.js";
import { getJson, startTestServer, type MemoryTestServer, type TestServer } from "./support/server.js";
import { jwtFor, spkiPem } from "./support/tokens.js";
import { freshKeyPair } from "./support/fresh-keys.js";
import { lastEventCode, recordedEvents } from "./support/events.js";

const T = 1_700_000_000;

describe.each(["memory"] as const)("refused keys and users on %s", (kind) => {
  let t: MemoryTestServer;
  const key = () => freshKeyPair("ed25519").privateKey;
  beforeAll(async () => {
    t = await startTestServer(kind, { startAt: T * 1000 });
    await t.store.directory.addUser("alice");
  });
  afterAll(() => t.close());
  const whoami = (authorization: string) => getJson(`${t.url}/whoami`, { authorization });

  it("refuses a revoked key, with or without kid, and records the refusal", async () => {
    const k = key();
    const stored = await t.store.directory.addKey("alice", spkiPem(k));
    expect((await whoami(jwtFor("alice", k, { time: T }))).status).toBe(200);
    await t.store.directory.revokeKey(stored.fingerprintSha256, "laptop stolen");
    for (const kid of [undefined, stored.kid]) {
      const r = await whoami(jwtFor("alice", k, { time: T, kid }));
      expect(r.status).toBe(401);
      expect(r.body.error.code).toBe("key_revoked");
    }
    const refusals = recordedEvents(t.store).filter((e) => e.errorCode === "key_revoked");
    expect(refusals.map((e) => [e.keyId, e.userId, e.username])).toEqual([
      [stored.id, stored.userId, "alice"],
      [stored.id, stored.userId, "alice"],
    ]);
  });

  it("refuses an expired key from its expiry on, and accepts it before", async () => {
    const k = key();
    await t.store.directory.addKey("alice", spkiPem(k), { expiresAt: new Date((T + 3600) * 1000) });
    expect((await whoami(jwtFor("alice", k, { time: T }))).status).toBe(200);
    t.clock.now = (T + 3600) * 1000;
    const r = await whoami(jwtFor("alice", k, { time: T + 3600 }));
    t.clock.now = T * 1000;
    expect(r.status).toBe(401);
    expect(r.body.error.code).toBe("key_expired");
  });

  it("refuses an imported key until it is verified (JWT, with or without kid), and accepts it after", async () => {
    const k = key();
    const alice = await t.store.directory.findUser("alice");
    const [stored] = await t.store.directory.insertKeys(alice.id, [parsePublicKey(spkiPem(k))], { origin: "import", originRef: "gh:alice", unverified: true });
    for (const kid of [undefined, stored!.kid]) {
      const r = await whoami(jwtFor("alice", k, { time: T, kid }));
      expect([r.status, r.body.error.code]).toEqual([401, "key_unverified"]);
    }
    expect(await lastEventCode(t.store)).toBe("key_unverified");
    await t.store.directory.markKeyVerified(stored!.id, new Date(T * 1000));
    expect((await whoami(jwtFor("alice", k, { time: T, kid: stored!.kid }))).status).toBe(200);
  });

  it("refuses every key of a disabled user, and accepts again once re-enabled", async () => {
    await t.store.directory.addUser("dave");
    const k = key();
    await t.store.directory.addKey("dave", spkiPem(k));
    await t.store.directory.setUserFlags("dave", { disabled: true });
    const r = await whoami(jwtFor("dave", k, { time: T }));
    expect(r.status).toBe(401);
    expect(r.body.error.code).toBe("user_disabled");
    await t.store.directory.setUserFlags("dave", { disabled: false });
    expect((await whoami(jwtFor("dave", k, { time: T }))).status).toBe(200);
  });

  it("prefers a working key over a revoked one of the same user", async () => {
    const k = key();
    const revoked = await t.store.directory.addKey("alice", spkiPem(k));
    await t.store.directory.revokeKey(revoked.fingerprintSha256);
    const good = key();
    await t.store.directory.addKey("alice", spkiPem(good));
    const r = await whoami(jwtFor("alice", good, { time: T }));
    expect(r.status).toBe(200);
    expect(r.body.fingerprint).toBe(parsePublicKey(spkiPem(good)).fingerprintSha256);
  });

  it("refuses a user with no keys and a user that does not exist alike", async () => {
    await t.store.directory.addUser("keyless");
    for (const user of ["keyless", "ghost"]) {
      const r = await whoami(jwtFor(user, key(), { time: T }));
      expect(r.status).toBe(401);
      expect(r.body.error.code).toBe("invalid_credentials");
      expect(await lastEventCode(t.store)).toBe("unknown_key");
    }
  });
});

// On each database: one-time values are the store's to keep, atomically and pruned by it.
describe.each(databaseKinds)("replay of tokens on %s", (kind) => {
  let t: TestServer;
  const key = () => freshKeyPair("ed25519").privateKey;
  beforeAll(async () => {
    t = await startTestServer(kind, { startAt: T * 1000 });
    await t.store.directory.addUser("alice");
  });
  afterAll(() => t.close());
  const whoami = (authorization: string) => getJson(`${t.url}/whoami`, { authorization });

  it("accepts exactly one of many concurrent requests carrying the same token", async () => {
    const k = key();
    await t.store.directory.addKey("alice", spkiPem(k));
    const token = jwtFor("alice", k, { time: T });
    const results = await Promise.all(Array.from({ length: 40 }, () => whoami(token)));
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(results.filter((r) => r.status === 401).every((r) => r.body.error.code === "replayed")).toBe(true);
  });

  it("prunes nonces whose window has closed, and only those", async () => {
    const k = key();
    await t.store.directory.addKey("alice", spkiPem(k));
    expect((await whoami(jwtFor("alice", k, { time: T, nonce: "old-one" }))).status).toBe(200);
    const replay = t.store.replay as unknown as { prune(): Promise<number> };
    const count = () => t.store.database.prisma.replayNonce.count();
    const before = await count();
    expect(await replay.prune()).toBe(0);
    t.clock.now = (T + 60) * 1000;
    expect(await replay.prune()).toBe(before);
    expect(await count()).toBe(0);
    t.clock.now = T * 1000;
  });
});
