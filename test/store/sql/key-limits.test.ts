// Lockout counts and rate windows on the driver connection, on both databases: the lock lands
// at the threshold exactly once, a lock that ran out starts the count again, a success clears
// it, and each fixed window counts from one. Prisma reads back what the driver wrote.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openPrismaStore, type KeyRecord, type PrismaStore } from "../../../strategy/store/index.js";
import { createTestDatabase, databaseKinds, type TestDatabase } from "../../support/databases.js";
import { newKeyLine } from "../../admin/support.js";

describe.each(databaseKinds)("SqlKeyLimits on %s", (kind) => {
  let database: TestDatabase;
  let store: PrismaStore;
  let key: KeyRecord;
  const t0 = Date.UTC(2030, 0, 1, 12);

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    store = await openPrismaStore({ url: database.url, keyCache: { enabled: false }, redisUrl: "" });
    await store.directory.addUser("limit-ann");
    key = await store.directory.addKey("limit-ann", newKeyLine());
  });
  afterAll(async () => {
    await store.close();
    await database.drop();
  });

  it("locks at the threshold once, restarts after the lock ran out, and a success resets the count", async () => {
    const limits = store.limits!;
    const lockUntil = new Date(t0 + 60_000);
    expect(await limits.recordKeyFailure(key.id, 3, lockUntil, new Date(t0))).toEqual({ failedAttempts: 1, locked: false });
    expect(await limits.recordKeyFailure(key.id, 3, lockUntil, new Date(t0 + 1))).toEqual({ failedAttempts: 2, locked: false });
    expect(await limits.recordKeyFailure(key.id, 3, lockUntil, new Date(t0 + 2))).toEqual({ failedAttempts: 3, locked: true });
    expect(await limits.recordKeyFailure(key.id, 3, lockUntil, new Date(t0 + 3))).toEqual({ failedAttempts: 4, locked: false });
    const locked = await store.database.prisma.publicKey.findUniqueOrThrow({ where: { id: key.id } });
    expect([locked.failedAttempts, locked.lockedUntil?.toISOString()]).toEqual([4, lockUntil.toISOString()]);
    expect((await store.keys.findByFingerprint(key.fingerprintSha256))?.key.lockedUntil).toEqual(lockUntil);
    // Past the lock: the count starts again.
    expect(await limits.recordKeyFailure(key.id, 3, new Date(t0 + 120_000), new Date(t0 + 60_000))).toEqual({ failedAttempts: 1, locked: false });
    await limits.resetKeyFailures(key.id);
    const reset = await store.database.prisma.publicKey.findUniqueOrThrow({ where: { id: key.id } });
    expect([reset.failedAttempts, reset.lockedUntil]).toEqual([0, null]);
    expect(await limits.recordKeyFailure("no-such-key", 3, lockUntil, new Date(t0))).toEqual({ failedAttempts: 0, locked: false });
  });

  it("counts each fixed window from one", async () => {
    const limits = store.limits!;
    const window = new Date(t0);
    const next = new Date(t0 + 60_000);
    const counts = [];
    for (let i = 0; i < 3; i++) counts.push(await limits.countInWindow(`key:${key.id}`, window, next));
    counts.push(await limits.countInWindow(`key:${key.id}`, next, new Date(t0 + 120_000)));
    counts.push(await limits.countInWindow("user:limit-ann", window, next));
    expect(counts).toEqual([1, 2, 3, 1, 1]);
    const rows = await store.database.prisma.rateWindow.findMany({ where: { scope: `key:${key.id}` }, orderBy: { windowStart: "asc" } });
    expect(rows.map((r) => [r.windowStart.toISOString(), r.count])).toEqual([
      [window.toISOString(), 3],
      [next.toISOString(), 1],
    ]);
  });
});
