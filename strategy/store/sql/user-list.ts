import fs from "node:fs";
import { postgresPoolTimeouts } from "../prisma/client.js";
import { locateDatabase, type Provider } from "../prisma/database-url.js";
import { readMigrations } from "../prisma/migrate.js";
import type { UserRecord } from "../ports.js";

/** A User row as Prisma's findMany returns it: every column, updatedAt too (`users list --json` prints it). */
export type UserRow = UserRecord & { updatedAt: Date };

interface RawUserRow {
  id: string;
  username: string;
  isAdmin: boolean | number;
  disabled: boolean | number;
  requireUserVerification: boolean | number;
  createdAt: Date | string;
  updatedAt: Date | string;
  origin: string;
  email: string | null;
}

interface MigrationRow {
  migration_name: string;
  checksum: string;
  finished_at: unknown;
  rolled_back_at: unknown;
}

// `time` reads a timestamp column: PostgreSQL's hold UTC without a zone (see published-keys.ts).
const usersQuery = (time: (column: string) => string): string =>
  `SELECT "id", "username", "isAdmin", "disabled", "requireUserVerification", ${time(`"createdAt"`)} AS "createdAt",
     ${time(`"updatedAt"`)} AS "updatedAt", "origin", "email"
   FROM "User" ORDER BY "username"`;
const migrationsQuery = `SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations"`;

/**
 * Every user, as the Prisma directory's listUsers gives them, read with one query on the driver:
 * `users list` then starts neither Prisma's client nor its query compiler. Null when this
 * cannot stand in for the store — the database does not exist yet, a migration is pending,
 * failed or edited, or it cannot be read — and the caller opens the store, which creates,
 * migrates and reports as before.
 */
export async function readUsersIfMigrated(url: string | undefined): Promise<UserRow[] | null> {
  try {
    const location = locateDatabase(url);
    if (location.provider === "sqlite") {
      if (location.file === ":memory:" || !fs.existsSync(location.file!)) return null;
      return await readSqlite(location.file!);
    }
    return await readPostgres(location.url);
  } catch {
    return null;
  }
}

function migrated(provider: Provider, rows: readonly MigrationRow[]): boolean {
  const applied = new Map(rows.filter((row) => row.rolled_back_at === null && row.finished_at !== null).map((row) => [row.migration_name, row.checksum]));
  if (rows.some((row) => row.finished_at === null && row.rolled_back_at === null)) return false;
  return readMigrations(provider).every((migration) => applied.get(migration.name) === migration.checksum);
}

async function readSqlite(file: string): Promise<UserRow[] | null> {
  const { default: Database } = await import("better-sqlite3");
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    db.pragma("busy_timeout = 1000");
    if (!migrated("sqlite", db.prepare<[], MigrationRow>(migrationsQuery).all())) return null;
    return db
      .prepare<[], RawUserRow>(usersQuery((column) => column))
      .all()
      .map(toUser);
  } finally {
    db.close();
  }
}

async function readPostgres(url: string): Promise<UserRow[] | null> {
  const { default: pg } = await import("pg");
  const client = new pg.Client({ connectionString: url, ...postgresPoolTimeouts(), keepAlive: false });
  await client.connect();
  try {
    if (!migrated("postgresql", (await client.query<MigrationRow>(migrationsQuery)).rows)) return null;
    return (await client.query<RawUserRow>(usersQuery((column) => `${column} AT TIME ZONE 'UTC'`))).rows.map(toUser);
  } finally {
    await client.end();
  }
}

function toUser(row: RawUserRow): UserRow {
  // Prisma's column order, so `--json` prints the same object.
  return {
    id: row.id,
    username: row.username,
    isAdmin: Boolean(row.isAdmin),
    disabled: Boolean(row.disabled),
    requireUserVerification: Boolean(row.requireUserVerification),
    createdAt: new Date(row.createdAt),
    updatedAt: new Date(row.updatedAt),
    origin: row.origin as UserRow["origin"],
    email: row.email,
  };
}
