// Two stores on one database stand for two app instances (or a server and the CLI):
// what one changes, the other's key cache must stop serving within the documented bound.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CachedKeyStore } from "../../../strategy/store/cache/cached-key-store.js";
import { openPrismaStore, type PrismaStore } from "../../../strategy/store/prisma/store.js";
import { createTestDatabase, databaseKinds, type TestDatabase } from "../../support/databases.js";
import { spkiPem } from "../../support/tokens.js";
import { freshKeyPair } from "../../support/fresh-keys.js";

async function within(ms: number, check: () => Promise<boolean>): Promise<number> {
  const start = Date.now();
  while (Date.now() - start < ms) {
    if (await check()) return Date.now() - start;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`not within ${ms} ms`);
}

describe.each(databaseKinds)("key cache across instances on %s", (kind) => {
  let db: TestDatabase;
  let a: PrismaStore;
  let b: PrismaStore;
  beforeAll(async () => {
    db = await createTestDatabase(kind);
    a = await openPrismaStore({ url: db.url });
    b = await openPrismaStore({ url: db.url });
  });
  afterAll(async () => {
    await a.close();
    await b.close();
    await db.drop();
  });

  it("serves repeated lookups from memory", async () => {
    await a.directory.addUser("cache-user");
    const spy = (b.keys as unknown as { inner: { findByUsername: (u: string) => Promise<unknown> } }).inner;
    const original = spy.findByUsername.bind(spy);
    let loads = 0;
    spy.findByUsername = (u) => (loads++, original(u));
    await within(1000, async () => (await b.keys.findByUsername("cache-user")) !== null);
    // Let the change notice of addUser arrive (one poll interval), then count.
    await new Promise((r) => setTimeout(r, 600));
    await b.keys.findByUsername("cache-user");
    loads = 0;
    for (let i = 0; i < 50; i++) await b.keys.findByUsername("cache-user");
    spy.findByUsername = original;
    expect(loads).toBe(0);
  });

  it("sees a key added on the other instance within one second, though it cached 'no keys'", async () => {
    expect((await b.keys.findByUsername("cache-user"))!.keys).toEqual([]);
    const key = freshKeyPair("ed25519").publicKey;
    await a.directory.addKey("cache-user", spkiPem(key));
    await within(1000, async () => (await b.keys.findByUsername("cache-user"))!.keys.length === 1);
  });

  it("sees a revocation on the other instance within one second", async () => {
    const [key] = (await b.keys.findByUsername("cache-user"))!.keys;
    expect(key!.revokedAt).toBeNull();
    expect((await b.keys.findByKid(key!.parsed.kid))!.key.revokedAt).toBeNull();
    await a.directory.revokeKey(key!.parsed.fingerprintSha256, "test");
    await within(1000, async () => (await b.keys.findByKid(key!.parsed.kid))!.key.revokedAt !== null);
    expect((await b.keys.findByUsername("cache-user"))!.keys[0]!.revokedAt).not.toBeNull();
  });

  it("sees a user disabled on the other instance within one second", async () => {
    expect((await b.keys.findByUsername("cache-user"))!.user.disabled).toBe(false);
    await a.directory.setUserFlags("cache-user", { disabled: true });
    await within(1000, async () => (await b.keys.findByUsername("cache-user"))!.user.disabled);
  });

  it("sees a deletion on the other instance within one second", async () => {
    const [key] = (await b.keys.findByUsername("cache-user"))!.keys;
    await a.directory.removeKey(key!.parsed.fingerprintSha256);
    await within(1000, async () => (await b.keys.findByFingerprint(key!.parsed.fingerprintSha256)) === null);
  });
});

describe.each(databaseKinds)("negative key cache under a flood of unknown kids on %s", (kind) => {
  let db: TestDatabase;
  let store: PrismaStore;
  beforeAll(async () => {
    db = await createTestDatabase(kind);
    store = await openPrismaStore({ url: db.url });
  });
  afterAll(async () => {
    await store.close();
    await db.drop();
  });

  it("stays within its entry and byte caps for 10,000 distinct 5 KB kids, and keeps real keys cached", async () => {
    const cache = store.keys as CachedKeyStore;
    await store.directory.addUser("flood-user");
    const key = await store.directory.addKey("flood-user", spkiPem(freshKeyPair("ed25519").publicKey));
    // Let the change notices of the two writes pass, then cache the real key.
    await new Promise((r) => setTimeout(r, 600));
    expect((await cache.findByKid(key.kid))?.key.id).toBe(key.id);

    const inner = (cache as unknown as { inner: { findByKid: (kid: string) => Promise<unknown> } }).inner;
    const original = inner.findByKid.bind(inner);
    let loads = 0;
    inner.findByKid = (kid) => (loads++, original(kid));
    try {
      const junk = (i: number) => i.toString(16).padStart(8, "0").repeat(640); // 5,120 characters
      for (let i = 0; i < 10_000; i += 100) {
        const batch = Array.from({ length: 100 }, (_, j) => cache.findByKid(junk(i + j)));
        expect(await Promise.all(batch)).toEqual(Array(100).fill(null));
      }
      expect(loads).toBe(10_000);
      const stats = cache.stats();
      // Defaults: 4 MiB of misses; 5 KB kids therefore keep a few hundred, not 10,000 (~100 MB).
      expect(stats.negativeBytes).toBeLessThanOrEqual(4 * 1024 * 1024);
      expect(stats.negativeEntries).toBeGreaterThan(100);
      expect(stats.negativeEntries).toBeLessThan(500);

      loads = 0;
      // The real key was not evicted by the flood, and the most recent misses are still answered from memory.
      expect((await cache.findByKid(key.kid))?.key.id).toBe(key.id);
      expect(await cache.findByKid(junk(9_999))).toBeNull();
      expect(loads).toBe(0);
      // An old miss was evicted: it is looked up again.
      expect(await cache.findByKid(junk(0))).toBeNull();
      expect(loads).toBe(1);
    } finally {
      inner.findByKid = original;
    }
  });
});
