// Daily usage per key on every store, caused by logins through the demo server: successes and
// the refusals after a key's signature verified count for that key, a stranger's bad signature
// for none; counts go to the UTC day of the test clock, survive the flush, and go with the key.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { KeyRecord, PrismaStore, UserRecord } from "../../strategy/store/index.js";
import { signInTo } from "../admin/support.js";
import { databaseKinds } from "../support/databases.js";
import { freshKeyPair } from "../support/fresh-keys.js";
import { startTestServer, type MemoryTestServer } from "../support/server.js";
import { jwtFor, spkiPem } from "../support/tokens.js";

const day = 86_400_000;

describe.each(["memory", ...databaseKinds] as const)("key usage per day on %s", (kind) => {
  let t: MemoryTestServer;
  let alice: UserRecord;
  let laptop: KeyRecord;
  const laptopKey = freshKeyPair("ed25519");
  const strangerKey = freshKeyPair("ed25519");
  const today = () => new Date(t.clock.now).toISOString().slice(0, 10);

  beforeAll(async () => {
    t = kind === "memory" ? await startTestServer("memory") : await startTestServer(kind);
    alice = await t.store.directory.addUser("alice");
    await t.store.directory.addUser("root", { isAdmin: true });
    laptop = await t.store.directory.addKey("alice", spkiPem(laptopKey.publicKey), { comment: "laptop" });
  });
  afterAll(async () => {
    await t?.close();
  });

  const login = async (token: string) => (await fetch(`${t.url}/whoami`, { headers: { authorization: token } })).status;
  const fresh = (key = laptopKey) => jwtFor("alice", key.privateKey, { time: Math.floor(t.clock.now / 1000) });
  const usage = async (keyId = laptop.id) => {
    await t.store.events.flush();
    return t.store.usage.days(keyId, "2000-01-01");
  };

  it("counts successes and the refusals after the key's signature verified, not a stranger's bad signature", async () => {
    expect(await login(fresh())).toBe(200);
    const once = fresh();
    expect(await login(once)).toBe(200);
    expect(await login(once)).toBe(401); // replayed: the key signed it
    expect(await login(jwtFor("alice", laptopKey.privateKey, { time: Math.floor(t.clock.now / 1000) - 3600 }))).toBe(401); // clock_skew
    expect(await login(fresh(strangerKey))).toBe(401); // bad signature: no key is named
    expect(await usage()).toEqual([{ day: today(), successes: 2, failures: 2 }]);
    expect(await t.store.usage.totals([laptop.id, "no-such-key"], today())).toEqual(new Map([[laptop.id, { successes: 2, failures: 2 }]]));
  });

  it("adds to the same row on later flushes", async () => {
    expect(await login(fresh())).toBe(200);
    expect(await usage()).toEqual([{ day: today(), successes: 3, failures: 2 }]);
  });

  it("the admin API answers the last 30 days, oldest first, days without use as zeros", async () => {
    const root = await signInTo(t.url, t.store, "root");
    const r = await root.call("GET", `/keys/${laptop.id}`);
    expect(r.status).toBe(200);
    expect(r.body.usage).toHaveLength(30);
    expect(r.body.usage.at(-1)).toEqual({ day: new Date().toISOString().slice(0, 10), successes: 3, failures: 2 });
    expect(r.body.usage.slice(0, -1).every((d: { successes: number; failures: number }) => d.successes === 0 && d.failures === 0)).toBe(true);
    const own = await signInTo(t.url, t.store, "alice");
    expect((await own.call("GET", `/keys/${laptop.id}`)).body.usage.at(-1).successes).toBe(3);
  });

  it("counts a revoked key's refusals as its failures", async () => {
    const spare = freshKeyPair("ed25519");
    const key = await t.store.directory.addKey("alice", spkiPem(spare.publicKey));
    expect(await login(fresh(spare))).toBe(200);
    await t.store.directory.revokeKeyById(key.id, "lost", new Date(t.clock.now));
    expect(await login(fresh(spare))).toBe(401);
    expect(await usage(key.id)).toEqual([{ day: today(), successes: 1, failures: 1 }]);
    expect(alice.id).toBe(key.userId);
  });

  it("starts a new row at UTC midnight on the test clock", async () => {
    const before = today();
    t.clock.now = Math.ceil(t.clock.now / day) * day + 1000;
    expect(await login(fresh())).toBe(200);
    expect(await usage()).toEqual([
      { day: before, successes: 3, failures: 2 },
      { day: today(), successes: 1, failures: 0 },
    ]);
    expect(await t.store.usage.days(laptop.id, today())).toEqual([{ day: today(), successes: 1, failures: 0 }]);
  });

  it("deletes a key's counts with the key, and drops counts of a key deleted before the flush", async () => {
    const spare = freshKeyPair("ed25519");
    const key = await t.store.directory.addKey("alice", spkiPem(spare.publicKey));
    expect(await login(fresh(spare))).toBe(200);
    expect(await usage(key.id)).toHaveLength(1);
    expect(await login(fresh(spare))).toBe(200);
    await t.store.directory.removeKeyById(key.id);
    expect(await usage(key.id)).toEqual([]);
    const prisma = (t.store as Partial<PrismaStore>).database?.prisma;
    if (prisma) expect(await prisma.keyUsageDay.count({ where: { keyId: key.id } })).toBe(0);
    // The others are untouched.
    expect(await usage()).toHaveLength(2);
  });
});
