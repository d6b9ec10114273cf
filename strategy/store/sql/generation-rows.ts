import type Database from "better-sqlite3";
import type pg from "pg";
import type { GenerationRow } from "./generation-feed.js";
import { sqliteTime } from "./sqlite-time.js";

const key = "passport-sshkey.key-generation";

/** Upserts one Setting row on the hot-path connection (the generation row, the readiness probe). */
export function sqliteSettingWriter(db: Database.Database): (key: string, value: string) => Promise<void> {
  const upsert = db.prepare<[string, string, string]>(
    `INSERT INTO "Setting" ("key", "value", "updatedAt") VALUES (?, ?, ?)
     ON CONFLICT ("key") DO UPDATE SET "value" = excluded."value", "updatedAt" = excluded."updatedAt"`,
  );
  return async (k, value) => void upsert.run(k, value, sqliteTime(new Date()));
}

export function postgresSettingWriter(pool: pg.Pool): (key: string, value: string) => Promise<void> {
  return async (k, value) => {
    await pool.query(
      `INSERT INTO "Setting" ("key", "value", "updatedAt") VALUES ($1, $2, now() AT TIME ZONE 'UTC')
       ON CONFLICT ("key") DO UPDATE SET "value" = excluded."value", "updatedAt" = excluded."updatedAt"`,
      [k, value],
    );
  };
}

export function sqliteGenerationRow(db: Database.Database): GenerationRow {
  const select = db.prepare<[string], { value: string }>(`SELECT "value" FROM "Setting" WHERE "key" = ?`);
  const write = sqliteSettingWriter(db);
  return {
    read: async () => select.get(key)?.value ?? null,
    write: (value) => write(key, value),
  };
}

export function postgresGenerationRow(pool: pg.Pool): GenerationRow {
  const write = postgresSettingWriter(pool);
  return {
    read: async () => (await pool.query<{ value: string }>(`SELECT "value" FROM "Setting" WHERE "key" = $1`, [key])).rows[0]?.value ?? null,
    write: async (value) => {
      await write(key, value);
      // Wakes every listening instance at once instead of at its next poll.
      await pool.query(`SELECT pg_notify('passport_sshkey_changes', $1)`, [value]);
    },
  };
}
