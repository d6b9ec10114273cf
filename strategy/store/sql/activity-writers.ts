// Batched writes of authentication events and key last-used data, on the driver
// connections the hot path already holds. Through Prisma, one second's worth of events
// (createMany of hundreds of rows) held the event loop long enough to show as p99 spikes
// of ~180 ms in `npm run bench`; a prepared statement in one transaction takes a few ms.
import type Database from "better-sqlite3";
import type pg from "pg";
import type { ActivityWriter, KeyUse } from "../activity-recorder.js";
import type { AuthEventRecord } from "../ports.js";
import { sqliteTime } from "./sqlite-time.js";

const columns = `"at", "userId", "username", "keyId", "scheme", "outcome", "errorCode", "ip", "userAgent"`;

function row(e: AuthEventRecord, at: string | Date): unknown[] {
  return [at, e.userId, e.username, e.keyId, e.scheme, e.outcome, e.errorCode, e.ip, e.userAgent];
}

/** A user or key deleted while its events waited in the buffer: keep the event, drop the link. */
function unlinked(e: AuthEventRecord): AuthEventRecord {
  return { ...e, userId: null, keyId: null };
}

export function sqliteActivityWriter(db: Database.Database): ActivityWriter {
  const insert = db.prepare(`INSERT INTO "AuthEvent" (${columns}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`);
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
  const use = db.prepare(
    `UPDATE "PublicKey" SET "lastUsedAt" = ?, "lastUsedIp" = ?, "lastUsedScheme" = ?, "useCount" = "useCount" + ? WHERE "id" = ?`,
  );
  const prune = db.prepare<[string, number]>(
    `DELETE FROM "AuthEvent" WHERE "id" IN (SELECT "id" FROM "AuthEvent" WHERE "at" < ? ORDER BY "at" LIMIT ?)`,
  );
  return {
    insertEvents: async (events) => insertAll(events),
    pruneEvents: async (before, limit) => prune.run(sqliteTime(before), limit).changes,
    recordKeyUse: async (keyId: string, u: KeyUse) => void use.run(sqliteTime(u.at), u.ip, u.scheme, u.count, keyId),
  };
}

export function postgresActivityWriter(pool: pg.Pool): ActivityWriter {
  const insertBatch = async (events: readonly AuthEventRecord[]) => {
    const values: unknown[] = [];
    const tuples = events.map((e, i) => {
      // ISO text: the column is UTC without a zone, as Prisma writes it.
      values.push(...row(e, e.at.toISOString()));
      return `(${Array.from({ length: 9 }, (_, j) => `$${i * 9 + j + 1}`).join(", ")})`;
    });
    await pool.query(`INSERT INTO "AuthEvent" (${columns}) VALUES ${tuples.join(", ")}`, values);
  };
  return {
    async pruneEvents(before, limit) {
      const result = await pool.query(
        `DELETE FROM "AuthEvent" WHERE "id" IN (SELECT "id" FROM "AuthEvent" WHERE "at" < $1 ORDER BY "at" LIMIT $2)`,
        [before.toISOString(), limit],
      );
      return result.rowCount ?? 0;
    },
    async insertEvents(events) {
      for (let i = 0; i < events.length; i += 500) {
        const batch = events.slice(i, i + 500);
        try {
          await insertBatch(batch);
        } catch (error) {
          if ((error as { code?: string }).code !== "23503") throw error; // foreign_key_violation
          await insertBatch(batch.map(unlinked));
        }
      }
    },
    async recordKeyUse(keyId: string, u: KeyUse) {
      await pool.query(
        `UPDATE "PublicKey" SET "lastUsedAt" = $1, "lastUsedIp" = $2, "lastUsedScheme" = $3, "useCount" = "useCount" + $4 WHERE "id" = $5`,
        [u.at.toISOString(), u.ip, u.scheme, u.count, keyId],
      );
    },
  };
}
