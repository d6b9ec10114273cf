// Batched writes of authentication events and key last-used data, on the driver
// connections the hot path already holds. Through Prisma, one second's worth of events
// (createMany of hundreds of rows) held the event loop long enough to show as p99 spikes
// in `npm run bench`; a prepared statement in one transaction does not.
import type Database from "better-sqlite3";
import type pg from "pg";
import type { ActivityWriter, KeyUsageCount, KeyUse } from "../activity-recorder.js";
import type { AuthEventRecord } from "../ports.js";
import { storeFaultOf } from "../unavailable.js";
import { sqliteTime } from "./sqlite-time.js";

const columns = `"at", "userId", "username", "keyId", "scheme", "outcome", "errorCode", "ip", "userAgent", "caId", "certSerial", "certKeyId", "certPrincipal", "jwksUrl", "jwksKid"`;
const columnCount = 15;

function row(e: AuthEventRecord, at: string | Date): unknown[] {
  return [
    at,
    e.userId,
    e.username,
    e.keyId,
    e.scheme,
    e.outcome,
    e.errorCode,
    e.ip,
    e.userAgent,
    e.caId ?? null,
    e.certSerial ?? null,
    e.certKeyId ?? null,
    e.certPrincipal ?? null,
    e.jwksUrl ?? null,
    e.jwksKid ?? null,
  ];
}

/** A user or key deleted while its events waited in the buffer: keep the event, drop the link. */
function unlinked(e: AuthEventRecord): AuthEventRecord {
  return { ...e, userId: null, keyId: null };
}

/**
 * Upserts in one order, by key and day: two instances flushing the same rows at once then take
 * their row locks in the same order instead of deadlocking (PostgreSQL).
 */
function inLockOrder(counts: readonly KeyUsageCount[]): KeyUsageCount[] {
  return [...counts].sort((a, b) => (a.keyId < b.keyId ? -1 : a.keyId > b.keyId ? 1 : a.day < b.day ? -1 : a.day > b.day ? 1 : 0));
}

const addUsage = `ON CONFLICT ("keyId", "day") DO UPDATE SET "successes" = "KeyUsageDay"."successes" + excluded."successes", "failures" = "KeyUsageDay"."failures" + excluded."failures"`;

export function sqliteActivityWriter(db: Database.Database): ActivityWriter {
  const insert = db.prepare(`INSERT INTO "AuthEvent" (${columns}) VALUES (${Array.from({ length: columnCount }, () => "?").join(", ")})`);
  const insertAll = db.transaction((events: readonly AuthEventRecord[]) => {
    for (const e of events) {
      try {
        insert.run(...row(e, sqliteTime(e.at)));
      } catch (error) {
        if ((error as { code?: string }).code !== "SQLITE_CONSTRAINT_FOREIGNKEY") throw error;
        insert.run(...row(unlinked(e), sqliteTime(e.at)));
      }
    }
  });
  const use = db.prepare(`UPDATE "PublicKey" SET "lastUsedAt" = ?, "lastUsedIp" = ?, "lastUsedScheme" = ?, "useCount" = "useCount" + ? WHERE "id" = ?`);
  const prune = db.prepare<[string, number]>(`DELETE FROM "AuthEvent" WHERE "id" IN (SELECT "id" FROM "AuthEvent" WHERE "at" < ? ORDER BY "at" LIMIT ?)`);
  // A key deleted while its counts waited is skipped rather than failing the batch.
  const upsertUsage = db.prepare<[string, string, number, number, string]>(
    `INSERT INTO "KeyUsageDay" ("keyId", "day", "successes", "failures") SELECT ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM "PublicKey" WHERE "id" = ?) ${addUsage}`,
  );
  const addAllUsage = db.transaction((counts: readonly KeyUsageCount[]) => {
    for (const c of counts) upsertUsage.run(c.keyId, c.day, c.successes, c.failures, c.keyId);
  });
  const pruneUsage = db.prepare<[string]>(`DELETE FROM "KeyUsageDay" WHERE "day" < ?`);
  return {
    addKeyUsage: async (counts) => addAllUsage(inLockOrder(counts)),
    pruneKeyUsage: async (beforeDay) => pruneUsage.run(beforeDay).changes,
    insertEvents: async (events) => insertAll(events),
    pruneEvents: async (before, limit) => prune.run(sqliteTime(before), limit).changes,
    recordKeyUse: async (keyId: string, u: KeyUse) => void use.run(sqliteTime(u.at), u.ip, u.scheme, u.count, keyId),
  };
}

// PostgreSQL text cannot hold NUL: one claimed username with a NUL in it failed its whole
// batch, which went back into the buffer and failed again, so no event was written after it.
// The event is kept, with the NUL shown as U+FFFD.
const withoutNul = (value: unknown) => (typeof value === "string" && value.includes("\u0000") ? value.replaceAll("\u0000", "\ufffd") : value);

export function postgresActivityWriter(pool: pg.Pool): ActivityWriter {
  const insertBatch = async (client: pg.PoolClient, events: readonly AuthEventRecord[]) => {
    const values: unknown[] = [];
    const tuples = events.map((e, i) => {
      // ISO text: the column is UTC without a zone, as Prisma writes it.
      values.push(...row(e, e.at.toISOString()).map(withoutNul));
      return `(${Array.from({ length: columnCount }, (_, j) => `$${i * columnCount + j + 1}`).join(", ")})`;
    });
    await client.query(`INSERT INTO "AuthEvent" (${columns}) VALUES ${tuples.join(", ")}`, values);
  };
  /**
   * All batches in one transaction: the recorder re-queues the whole list when this throws,
   * so batches committed before a failure would otherwise be written twice.
   */
  const insertAll = async (events: readonly AuthEventRecord[], link: (e: AuthEventRecord) => AuthEventRecord) => {
    const client = await pool.connect();
    let broken: unknown;
    try {
      await client.query("BEGIN");
      for (let i = 0; i < events.length; i += 500) await insertBatch(client, events.slice(i, i + 500).map(link));
      await client.query("COMMIT");
    } catch (error) {
      broken = error;
      await client.query("ROLLBACK").catch(() => {});
      throw error;
    } finally {
      // A connection that failed mid-transaction is discarded rather than reused.
      client.release(broken instanceof Error && storeFaultOf(broken) ? broken : undefined);
    }
  };
  return {
    async addKeyUsage(counts) {
      const sorted = inLockOrder(counts);
      // One statement for the whole batch: atomic, so a failure re-queues counts none of which were added.
      await pool.query(
        `INSERT INTO "KeyUsageDay" ("keyId", "day", "successes", "failures")
         SELECT v."keyId", v."day", v."successes", v."failures" FROM unnest($1::text[], $2::text[], $3::int[], $4::int[]) AS v("keyId", "day", "successes", "failures")
         WHERE EXISTS (SELECT 1 FROM "PublicKey" p WHERE p."id" = v."keyId") ${addUsage}`,
        [sorted.map((c) => c.keyId), sorted.map((c) => c.day), sorted.map((c) => c.successes), sorted.map((c) => c.failures)],
      );
    },
    async pruneKeyUsage(beforeDay) {
      return (await pool.query(`DELETE FROM "KeyUsageDay" WHERE "day" < $1`, [beforeDay])).rowCount ?? 0;
    },
    async pruneEvents(before, limit) {
      const result = await pool.query(`DELETE FROM "AuthEvent" WHERE "id" IN (SELECT "id" FROM "AuthEvent" WHERE "at" < $1 ORDER BY "at" LIMIT $2)`, [
        before.toISOString(),
        limit,
      ]);
      return result.rowCount ?? 0;
    },
    async insertEvents(events) {
      try {
        await insertAll(events, (e) => e);
      } catch (error) {
        if ((error as { code?: string }).code !== "23503") throw error; // foreign_key_violation
        // Unlink only the events whose user or key is gone.
        const existing = async (table: string, ids: (string | null)[]) =>
          new Set(
            (await pool.query<{ id: string }>(`SELECT "id" FROM "${table}" WHERE "id" = ANY($1)`, [[...new Set(ids.filter((id) => id !== null))]])).rows.map(
              (r) => r.id,
            ),
          );
        const users = await existing(
          "User",
          events.map((e) => e.userId),
        );
        const keys = await existing(
          "PublicKey",
          events.map((e) => e.keyId),
        );
        await insertAll(events, (e) =>
          (e.userId === null || users.has(e.userId)) && (e.keyId === null || keys.has(e.keyId))
            ? e
            : { ...e, userId: e.userId !== null && users.has(e.userId) ? e.userId : null, keyId: e.keyId !== null && keys.has(e.keyId) ? e.keyId : null },
        );
      }
    },
    async recordKeyUse(keyId: string, u: KeyUse) {
      await pool.query(`UPDATE "PublicKey" SET "lastUsedAt" = $1, "lastUsedIp" = $2, "lastUsedScheme" = $3, "useCount" = "useCount" + $4 WHERE "id" = $5`, [
        u.at.toISOString(),
        u.ip,
        u.scheme,
        u.count,
        keyId,
      ]);
    },
  };
}
