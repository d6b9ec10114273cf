import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ActivityRecorder } from "../../strategy/store/activity-recorder.js";
import { openPrismaStore, type PrismaStore } from "../../strategy/store/prisma/store.js";
import { createTestDatabase, databaseKinds, type TestDatabase } from "../support/databases.js";
import { spkiPem } from "../support/tokens.js";
import { freshKeyPair } from "../support/fresh-keys.js";

describe.each(databaseKinds)("activity recording on %s", (kind) => {
  let db: TestDatabase;
  let store: PrismaStore;
  beforeAll(async () => {
    db = await createTestDatabase(kind);
    store = await openPrismaStore({ url: db.url, activity: { flushEveryMs: 60_000 } });
  });
  afterAll(async () => {
    await store.close();
    await db.drop();
  });

  const event = (fields: { userId: string | null; keyId: string | null; username: string }) => ({
    at: new Date("2026-01-02T03:04:05.678Z"),
    scheme: "jwt",
    outcome: "success" as const,
    errorCode: null,
    ip: "192.0.2.7",
    userAgent: "recorder-test",
    ...fields,
  });

  it("writes buffered events and key use in one flush, readable through Prisma", async () => {
    await store.directory.addUser("rec");
    const key = await store.directory.addKey("rec", spkiPem(freshKeyPair("ed25519").publicKey));
    for (let i = 0; i < 3; i++) store.events.record(event({ userId: key.userId, keyId: key.id, username: "rec" }));
    await store.events.flush();
    const rows = await store.database.prisma.authEvent.findMany({ where: { username: "rec" } });
    expect(rows).toHaveLength(3);
    expect(rows[0]).toMatchObject({ userId: key.userId, keyId: key.id, ip: "192.0.2.7", scheme: "jwt", outcome: "success" });
    expect(rows[0]!.at.toISOString()).toBe("2026-01-02T03:04:05.678Z");
    const stored = await store.directory.findKey(key.fingerprintSha256);
    expect(stored).toMatchObject({ useCount: 3, lastUsedIp: "192.0.2.7", lastUsedScheme: "jwt" });
    expect(stored.lastUsedAt?.toISOString()).toBe("2026-01-02T03:04:05.678Z");
  });

  it("keeps the event of a user deleted before the flush, without the dangling link", async () => {
    const user = await store.directory.addUser("gone");
    store.events.record(event({ userId: user.id, keyId: null, username: "gone" }));
    await store.database.prisma.user.delete({ where: { id: user.id } });
    await store.events.flush();
    const rows = await store.database.prisma.authEvent.findMany({ where: { username: "gone" } });
    expect(rows.map((r) => r.userId)).toEqual([null]);
  });
});

describe("the event buffer while the database refuses writes (SQLite locked by another connection)", () => {
  let db: TestDatabase;
  let store: PrismaStore;
  const drops: { failures: number; successes: number }[] = [];
  beforeAll(async () => {
    db = await createTestDatabase("sqlite");
    store = await openPrismaStore({
      url: db.url,
      activity: { flushEveryMs: 20, maxBufferedEvents: 100, maxQueuedEvents: 1000, onError: () => {}, onDrop: (d) => drops.push(d) },
    });
  });
  afterAll(async () => {
    await store.close();
    await db.drop();
  });

  const event = (outcome: "success" | "failure" | "alarm", username: string) => ({
    at: new Date(),
    scheme: "jwt",
    outcome,
    errorCode: outcome === "failure" ? "unknown_key" : outcome === "alarm" ? "sign_counter_regressed" : null,
    userId: null,
    keyId: null,
    username,
    ip: "192.0.2.9",
    userAgent: "buffer-test",
  });

  it("holds at most maxQueuedEvents, drops the oldest failures first, keeps every success, and writes the rest once the lock goes", async () => {
    const holder = new Database(db.url.slice("file:".length));
    holder.exec("BEGIN IMMEDIATE");
    const recorder = store.events as ActivityRecorder;
    try {
      for (let i = 0; i < 5000; i++) {
        recorder.record(event("failure", `junk-${i}`));
        if (i % 50 === 0) recorder.record(event("success", `ok-${i}`));
        // Let the (failing) background writes run now and then, as they would between requests.
        if (i % 500 === 0) await new Promise((r) => setTimeout(r, 30));
      }
      const stats = recorder.stats();
      expect(stats.queuedEvents).toBe(1000);
      expect(stats.dropped).toEqual({ failures: 5000 + 100 - 1000, successes: 0 });
      expect(stats.failedWrites).toBeGreaterThan(0);
      expect(drops.length).toBeGreaterThan(0);
      expect(drops.at(-1)!.successes).toBe(0);
    } finally {
      holder.exec("ROLLBACK");
      holder.close();
    }
    await recorder.flush();
    const rows = await store.database.prisma.authEvent.findMany({ select: { username: true, outcome: true } });
    expect(rows).toHaveLength(1000);
    expect(rows.filter((r) => r.outcome === "success")).toHaveLength(100);
    // The failures kept are the newest ones.
    const kept = rows.filter((r) => r.outcome === "failure").map((r) => Number(r.username!.slice("junk-".length)));
    expect(Math.min(...kept)).toBe(5000 - 900);
    expect(recorder.stats()).toMatchObject({ queuedEvents: 0, failedWrites: 0 });
  });

  it("keeps an alarm (a security key's counter went backwards) while failures after it are dropped", async () => {
    const holder = new Database(db.url.slice("file:".length));
    holder.exec("BEGIN IMMEDIATE");
    const recorder = store.events as ActivityRecorder;
    try {
      recorder.record(event("alarm", "cloned-key"));
      for (let i = 0; i < 1500; i++) recorder.record(event("failure", `flood-${i}`));
      expect(recorder.stats().queuedEvents).toBe(1000);
    } finally {
      holder.exec("ROLLBACK");
      holder.close();
    }
    await recorder.flush();
    const alarms = await store.database.prisma.authEvent.findMany({ where: { outcome: "alarm" } });
    expect(alarms.map((r) => [r.username, r.errorCode])).toEqual([["cloned-key", "sign_counter_regressed"]]);
  });

  it("adds a key's daily usage exactly once when the writes failed meanwhile", async () => {
    await store.directory.addUser("counted");
    const key = await store.directory.addKey("counted", spkiPem(freshKeyPair("ed25519").publicKey));
    const use = (outcome: "success" | "failure") => ({ ...event(outcome, "counted"), userId: key.userId, keyId: key.id });
    const holder = new Database(db.url.slice("file:".length));
    holder.exec("BEGIN IMMEDIATE");
    try {
      for (let i = 0; i < 3; i++) store.events.record(use("success"));
      store.events.record(use("failure"));
      await expect(store.events.flush()).rejects.toThrow(/locked|busy/i);
      store.events.record(use("success"));
    } finally {
      holder.exec("ROLLBACK");
      holder.close();
    }
    await store.events.flush();
    const today = new Date().toISOString().slice(0, 10);
    expect(await store.usage.days(key.id, today)).toEqual([{ day: today, successes: 4, failures: 1 }]);
  });
});

describe.runIf(databaseKinds.includes("postgresql"))("a flush of several batches that fails part-way on postgresql", () => {
  let db: TestDatabase;
  let store: PrismaStore;
  beforeAll(async () => {
    db = await createTestDatabase("postgresql");
    store = await openPrismaStore({ url: db.url, activity: { flushEveryMs: 60_000, maxBufferedEvents: 100_000 } });
    // The database refuses the 550th row once, as a dropped connection or a timeout would.
    await store.database.prisma.$executeRawUnsafe(`CREATE TABLE "poison_once" ("x" int)`);
    await store.database.prisma.$executeRawUnsafe(`INSERT INTO "poison_once" VALUES (1)`);
    await store.database.prisma.$executeRawUnsafe(`CREATE FUNCTION poison() RETURNS trigger AS $$
      BEGIN
        IF NEW."username" = 'row-549' AND EXISTS (SELECT 1 FROM "poison_once") THEN
          DELETE FROM "poison_once";
          RAISE EXCEPTION 'injected failure';
        END IF;
        RETURN NEW;
      END $$ LANGUAGE plpgsql`);
    await store.database.prisma.$executeRawUnsafe(`CREATE TRIGGER poison BEFORE INSERT ON "AuthEvent" FOR EACH ROW EXECUTE FUNCTION poison()`);
  });
  afterAll(async () => {
    await store.close();
    await db.drop();
  });

  it("writes every event exactly once after the retry", async () => {
    for (let i = 0; i < 600; i++) {
      store.events.record({
        at: new Date(),
        scheme: "jwt",
        outcome: "failure",
        errorCode: "unknown_key",
        userId: null,
        keyId: null,
        username: `row-${i}`,
        ip: null,
        userAgent: null,
      });
    }
    // The DELETE in the trigger rolls back with the failed transaction: make the flag stick.
    await expect(store.events.flush()).rejects.toThrow(/injected failure/);
    await store.database.prisma.$executeRawUnsafe(`DELETE FROM "poison_once"`);
    await store.events.flush();
    expect(await store.database.prisma.authEvent.count()).toBe(600);
  });
});
