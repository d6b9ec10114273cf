import type Database from "better-sqlite3";
import type pg from "pg";
import type { GenerationRow } from "./generation-feed.js";
import { sqliteTime } from "./sqlite-time.js";

const key = "passport-sshkey.key-generation";

export function sqliteGenerationRow(db: Database.Database): GenerationRow {
  const select = db.prepare<[string], { value: string }>(`SELECT "value" FROM "Setting" WHERE "key" = ?`);
  const upsert = db.prepare<[string, string, string]>(
    `INSERT INTO "Setting" ("key", "value", "updatedAt") VALUES (?, ?, ?)
     ON CONFLICT ("key") DO UPDATE SET "value" = excluded."value", "updatedAt" = excluded."updatedAt"`,
  );
  return {
    read: async () => select.get(key)?.value ?? null,
    write: async (value) => void upsert.run(key, value, sqliteTime(new Date())),
  };
}

export function postgresGenerationRow(pool: pg.Pool): GenerationRow {
  return {
    read: async () => (await pool.query<{ value: string }>(`SELECT "value" FROM "Setting" WHERE "key" = $1`, [key])).rows[0]?.value ?? null,
    write: async (value) => {
      await pool.query(
        `INSERT INTO "Setting" ("key", "value", "updatedAt") VALUES ($1, $2, now() AT TIME ZONE 'UTC')
         ON CONFLICT ("key") DO UPDATE SET "value" = excluded."value", "updatedAt" = excluded."updatedAt"`,
        [key, value],
      );
      // Wakes every listening instance at once instead of at its next poll.
      await pool.query(`SELECT pg_notify('passport_sshkey_changes', $1)`, [value]);
    },
  };
}
