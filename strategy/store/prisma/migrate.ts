// Applies prisma/<provider>/migrations with the database driver alone. Prisma 7's
// `migrate deploy` needs a native engine that offline machines cannot download; this
// runner writes the same `_prisma_migrations` rows (sha256 checksum, name, timestamps),
// so the Prisma CLI treats a database migrated here as up to date, and the other way
// round. Unlike Prisma on SQLite, each migration runs in one transaction: a failing
// migration leaves nothing behind.
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type Database from "better-sqlite3";
import type pg from "pg";
import { ensureDatabaseDirectory, locateDatabase, type Provider } from "./database-url.js";
import { packageRoot } from "./package-root.js";

export interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

export interface MigrationResult {
  applied: string[];
  /** Applied migrations whose file changed since (reported, not fatal, like Prisma). */
  edited: string[];
}

export function readMigrations(provider: Provider, root = packageRoot()): Migration[] {
  const dir = path.join(root, "prisma", provider, "migrations");
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort()
    .map((name) => {
      const sql = fs.readFileSync(path.join(dir, name, "migration.sql"), "utf8");
      return { name, sql, checksum: crypto.createHash("sha256").update(sql).digest("hex") };
    });
}

interface AppliedRow {
  migration_name: string;
  checksum: string;
  finished_at: unknown;
  rolled_back_at: unknown;
}

function plan(migrations: Migration[], rows: AppliedRow[]): { pending: Migration[]; edited: string[] } {
  const failed = rows.find((row) => row.finished_at === null && row.rolled_back_at === null);
  if (failed) {
    throw new Error(`migration ${failed.migration_name} failed earlier; resolve it before starting (Prisma error P3009)`);
  }
  const applied = new Map(rows.filter((r) => r.rolled_back_at === null).map((r) => [r.migration_name, r.checksum]));
  return {
    pending: migrations.filter((m) => !applied.has(m.name)),
    edited: migrations.filter((m) => applied.has(m.name) && applied.get(m.name) !== m.checksum).map((m) => m.name),
  };
}

function migrateSqlite(Sqlite: typeof Database, file: string, migrations: Migration[]): MigrationResult {
  const db = new Sqlite(file);
  try {
    db.pragma("journal_mode = WAL");
    db.pragma("busy_timeout = 10000");
    db.exec(`CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
      "id" TEXT PRIMARY KEY NOT NULL, "checksum" TEXT NOT NULL, "finished_at" DATETIME,
      "migration_name" TEXT NOT NULL, "logs" TEXT, "rolled_back_at" DATETIME,
      "started_at" DATETIME NOT NULL DEFAULT current_timestamp, "applied_steps_count" INTEGER UNSIGNED NOT NULL DEFAULT 0)`);
    const result: MigrationResult = { applied: [], edited: [] };
    // IMMEDIATE takes the write lock up front, so two processes starting together apply each migration once.
    db.transaction(() => {
      const rows = db.prepare(`SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations"`).all() as AppliedRow[];
      const { pending, edited } = plan(migrations, rows);
      result.edited = edited;
      for (const migration of pending) {
        db.exec(migration.sql);
        const at = new Date().toISOString().replace("Z", "+00:00");
        db.prepare(
          `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, finished_at, applied_steps_count) VALUES (?, ?, ?, ?, ?, 1)`,
        ).run(crypto.randomUUID(), migration.checksum, migration.name, at, at);
        result.applied.push(migration.name);
      }
    }).immediate();
    return result;
  } finally {
    db.close();
  }
}

// Prisma's own advisory lock id, so this runner and `prisma migrate deploy` exclude each other.
const prismaAdvisoryLock = 72707369;

async function migratePostgres(Client: typeof pg.Client, url: string, migrations: Migration[]): Promise<MigrationResult> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query("SELECT pg_advisory_lock($1)", [prismaAdvisoryLock]);
    await client.query(`CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
      id VARCHAR(36) PRIMARY KEY NOT NULL, checksum VARCHAR(64) NOT NULL, finished_at TIMESTAMPTZ,
      migration_name VARCHAR(255) NOT NULL, logs TEXT, rolled_back_at TIMESTAMPTZ,
      started_at TIMESTAMPTZ NOT NULL DEFAULT now(), applied_steps_count INTEGER NOT NULL DEFAULT 0)`);
    const { rows } = await client.query<AppliedRow>(`SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations"`);
    const { pending, edited } = plan(migrations, rows);
    const result: MigrationResult = { applied: [], edited };
    for (const migration of pending) {
      await client.query("BEGIN");
      try {
        await client.query(migration.sql);
        await client.query(
          `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, finished_at, applied_steps_count) VALUES ($1, $2, $3, now(), now(), 1)`,
          [crypto.randomUUID(), migration.checksum, migration.name],
        );
        await client.query("COMMIT");
      } catch (error) {
        await client.query("ROLLBACK");
        throw new Error(`migration ${migration.name} failed: ${(error as Error).message}`, { cause: error });
      }
      result.applied.push(migration.name);
    }
    return result;
  } finally {
    await client.query("SELECT pg_advisory_unlock($1)", [prismaAdvisoryLock]).catch(() => {});
    await client.end();
  }
}

/** Brings the database at `url` (default: DATABASE_URL or the embedded SQLite file) up to date. */
export async function migrateDatabase(url?: string): Promise<MigrationResult> {
  const location = locateDatabase(url);
  const migrations = readMigrations(location.provider);
  // Each driver is loaded only for its own database.
  if (location.provider === "postgresql") return migratePostgres((await import("pg")).default.Client, location.url, migrations);
  ensureDatabaseDirectory(location);
  return migrateSqlite((await import("better-sqlite3")).default, location.file!, migrations);
}
