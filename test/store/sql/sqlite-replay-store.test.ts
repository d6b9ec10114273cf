// The SQLite replay guard commits every consume() of one event-loop turn in one
// transaction; each value must still be accepted exactly once, across connections too.
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrateDatabase } from "../../../strategy/store/prisma/migrate.js";
import { SqliteReplayStore } from "../../../strategy/store/sql/sqlite-replay-store.js";
import { createTestDatabase, type TestDatabase } from "../../support/databases.js";

describe("SQLite replay store", () => {
  let db: TestDatabase;
  let a: Database.Database;
  let b: Database.Database;
  const later = () => new Date(Date.now() + 60_000);
  beforeAll(async () => {
    db = await createTestDatabase("sqlite");
    await migrateDatabase(db.url);
    const file = db.url.slice("file:".length);
    a = new Database(file);
    b = new Database(file);
    for (const c of [a, b]) c.pragma("journal_mode = WAL");
  });
  afterAll(async () => {
    a?.close();
    b?.close();
    await db.drop();
  });

  it("accepts each value once, even when a batch holds it twice", async () => {
    const store = new SqliteReplayStore(a);
    const results = await Promise.all(["x1", "x2", "x1", "x3", "x2"].map((v) => store.consume("jwt", v, later())));
    expect(results).toEqual([true, true, false, true, false]);
    expect(await store.consume("jwt", "x1", later())).toBe(false);
    expect(await store.consume("sshauth", "x1", later())).toBe(true);
  });

  it("lets exactly one of many concurrent consumers on two connections win", async () => {
    const stores = [new SqliteReplayStore(a), new SqliteReplayStore(b)];
    const results = await Promise.all(Array.from({ length: 60 }, (_, i) => stores[i % 2]!.consume("jwt", "race", later())));
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it("commits the consumes of one event-loop turn together", async () => {
    const store = new SqliteReplayStore(a);
    // WAL frames written by a phase: truncate the log first, then count what the phase appended.
    const framesWrittenBy = async (phase: () => Promise<unknown>) => {
      a.pragma("wal_checkpoint(TRUNCATE)");
      await phase();
      return (a.pragma("wal_checkpoint(PASSIVE)") as { log: number }[])[0]!.log;
    };
    const batched = await framesWrittenBy(() => Promise.all(Array.from({ length: 20 }, (_, i) => store.consume("jwt", `batched-${i}`, later()))));
    const oneByOne = await framesWrittenBy(async () => {
      for (let i = 0; i < 20; i++) await store.consume("jwt", `single-${i}`, later());
    });
    expect(oneByOne).toBeGreaterThanOrEqual(20);
    expect(batched).toBeLessThan(oneByOne / 4);
  });

  it("rejects every consumer of a batch that could not be written, and recovers", async () => {
    const c = new Database(db.url.slice("file:".length));
    const store = new SqliteReplayStore(c);
    c.close();
    const results = await Promise.allSettled([store.consume("jwt", "lost-1", later()), store.consume("jwt", "lost-2", later())]);
    expect(results.map((r) => r.status)).toEqual(["rejected", "rejected"]);
    // Nothing was recorded, so a working store still accepts both.
    const working = new SqliteReplayStore(a);
    expect(await Promise.all([working.consume("jwt", "lost-1", later()), working.consume("jwt", "lost-2", later())])).toEqual([true, true]);
  });
});
