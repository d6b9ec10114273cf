// AuthEvent retention: events older than the setting are deleted in small batches by the
// store itself; newer ones stay; daily key usage is kept 90 days. EVENT_RETENTION_DAYS sets the
// default and is validated.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openPrismaStore, type PrismaStore } from "../../strategy/store/prisma/store.js";
import { createTestDatabase, databaseKinds, type TestDatabase } from "../support/databases.js";
import { freshKeyPair } from "../support/fresh-keys.js";
import { spkiPem } from "../support/tokens.js";

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

  it("deletes daily key usage older than 90 days in the same job, and keeps the rest", async () => {
    await store?.close();
    const writer = await openPrismaStore({ url: db.url, eventRetention: { days: 0 } });
    await writer.directory.addUser("usage-retention");
    const key = await writer.directory.addKey("usage-retention", spkiPem(freshKeyPair("ed25519").publicKey));
    const used = (ageDays: number) => ({
      ...event(ageDays, "usage-retention"),
      outcome: "success" as const,
      errorCode: null,
      userId: key.userId,
      keyId: key.id,
    });
    for (const age of [120, 91, 89, 0]) writer.events.record(used(age));
    await writer.events.flush();
    expect(await writer.usage.days(key.id, "2000-01-01")).toHaveLength(4);
    await writer.close();

    store = await openPrismaStore({ url: db.url, eventRetention: { days: 365, everyMs: 50 } });
    const ages = [89, 0].map((age) => new Date(Date.now() - age * day).toISOString().slice(0, 10));
    await expect.poll(async () => (await store.usage.days(key.id, "2000-01-01")).map((d) => d.day), { timeout: 5000 }).toEqual(ages);
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
