// AuthEvent retention: events older than the setting are deleted in small batches by the
// store itself; newer ones stay. EVENT_RETENTION_DAYS sets the default and is validated.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openPrismaStore, type PrismaStore } from "../../strategy/store/prisma/store.js";
import { createTestDatabase, databaseKinds, type TestDatabase } from "../support/databases.js";

const day = 86_400_000;

describe.each(databaseKinds)("event retention on %s", (kind) => {
  let db: TestDatabase;
  let store: PrismaStore;
  beforeAll(async () => {
    db = await createTestDatabase(kind);
  });
  afterAll(async () => {
    await store?.close();
    await db.drop();
  });

  const event = (ageDays: number, username: string) => ({
    at: new Date(Date.now() - ageDays * day),
    scheme: "jwt",
    outcome: "failure" as const,
    errorCode: "unknown_key",
    userId: null,
    keyId: null,
    username,
    ip: null,
    userAgent: null,
  });

  it("deletes events past the retention in batches and keeps the rest", async () => {
    const writer = await openPrismaStore({ url: db.url, eventRetention: { days: 0 } });
    for (let i = 0; i < 35; i++) writer.events.record(event(91 + i, `old-${i}`));
    for (let i = 0; i < 5; i++) writer.events.record(event(89 - i, `recent-${i}`));
    writer.events.record(event(1, "today"));
    await writer.close();
    expect(await countEvents(db.url)).toBe(41);

    // Batches of 10: the 35 old rows take four DELETEs.
    store = await openPrismaStore({ url: db.url, eventRetention: { days: 90, everyMs: 50, batchSize: 10 } });
    const start = Date.now();
    while ((await store.database.prisma.authEvent.count()) > 6) {
      expect(Date.now() - start).toBeLessThan(5000);
      await new Promise((r) => setTimeout(r, 50));
    }
    const left = await store.database.prisma.authEvent.findMany({ select: { username: true }, orderBy: { username: "asc" } });
    expect(left.map((r) => r.username)).toEqual(["recent-0", "recent-1", "recent-2", "recent-3", "recent-4", "today"]);
  });

  async function countEvents(url: string): Promise<number> {
    const reader = await openPrismaStore({ url, migrate: false, eventRetention: { days: 0 } });
    try {
      return await reader.database.prisma.authEvent.count();
    } finally {
      await reader.close();
    }
  }
});

describe("EVENT_RETENTION_DAYS", () => {
  it("sets the default retention, and a bad value is refused before any connection", async () => {
    const saved = process.env.EVENT_RETENTION_DAYS;
    try {
      process.env.EVENT_RETENTION_DAYS = "-3";
      await expect(openPrismaStore({ url: "file:/nonexistent-dir-never-created/x.db" })).rejects.toThrow(/EVENT_RETENTION_DAYS must be a whole number of days/);
    } finally {
      if (saved === undefined) delete process.env.EVENT_RETENTION_DAYS;
      else process.env.EVENT_RETENTION_DAYS = saved;
    }
  });
});
