import { postgresPoolTimeouts } from "../prisma/client.js";
import { locateDatabase } from "../prisma/database-url.js";
import { nameable, ParsedKeyCache } from "../parsed-key-cache.js";
import type { PublishableKey, PublishableOwner } from "../ports.js";

/** One row per key, or one with a null key for a user who holds none. */
interface OwnerKeyRow {
  username: string;
  disabled: boolean | number;
  openssh: string | null;
  createdAt: Date | string | null;
  expiresAt: Date | string | null;
  revokedAt: Date | string | null;
  touchRequired: boolean | number | null;
  verifyRequired: boolean | number | null;
  sshOptions: string | null;
  unverified: boolean | number | null;
}

// `time` reads a timestamp column: PostgreSQL's hold UTC without a zone, which pg would read as
// local time, so there AT TIME ZONE 'UTC' makes them instants; SQLite's are ISO text already.
export const publishableOwnersQuery = (username: boolean, time: (column: string) => string, placeholder: string): string =>
  `SELECT u."username", u."disabled", k."openssh", ${time(`k."createdAt"`)} AS "createdAt", ${time(`k."expiresAt"`)} AS "expiresAt",
     ${time(`k."revokedAt"`)} AS "revokedAt", k."touchRequired", k."verifyRequired", k."sshOptions", k."unverified"
   FROM "User" u LEFT JOIN "PublicKey" k ON k."userId" = u."id"
   ${username ? `WHERE u."username" = ${placeholder}` : ""}
   ORDER BY u."username", k."createdAt", k."id"`;

/**
 * Users and their keys for `passport-sshkey authorized-keys` and `allowed-signers`: one read-only
 * query on the driver, without the Prisma client. sshd runs the command on every login and
 * waits for it, so starting Prisma's query compiler there would be paid on every login.
 * `username` null reads everyone. Throws when the database cannot be opened or read
 * (a SQLite file that does not exist is not created), which is a broken configuration.
 */
export async function readPublishableOwners(url: string | undefined, username: string | null): Promise<PublishableOwner[]> {
  if (username !== null && !nameable(username)) return [];
  const location = locateDatabase(url);
  const rows = location.provider === "sqlite" ? await readSqlite(location.file!, username) : await readPostgres(location.url, username);
  return groupByOwner(rows);
}

async function readSqlite(file: string, username: string | null): Promise<OwnerKeyRow[]> {
  const { default: Database } = await import("better-sqlite3");
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    db.pragma("busy_timeout = 1000");
    const statement = db.prepare<unknown[], OwnerKeyRow>(publishableOwnersQuery(username !== null, (column) => column, "?"));
    return username === null ? statement.all() : statement.all(username);
  } finally {
    db.close();
  }
}

async function readPostgres(url: string, username: string | null): Promise<OwnerKeyRow[]> {
  const { default: pg } = await import("pg");
  const client = new pg.Client({ connectionString: url, ...postgresPoolTimeouts(), keepAlive: false });
  await client.connect();
  try {
    const sql = publishableOwnersQuery(username !== null, (column) => `${column} AT TIME ZONE 'UTC'`, "$1");
    return (await client.query<OwnerKeyRow>(sql, username === null ? [] : [username])).rows;
  } finally {
    await client.end();
  }
}

function instant(value: Date | string | null): Date | null {
  return value === null ? null : typeof value === "string" ? new Date(value) : value;
}

function groupByOwner(rows: readonly OwnerKeyRow[]): PublishableOwner[] {
  const parsed = new ParsedKeyCache();
  const owners = new Map<string, PublishableOwner>();
  for (const row of rows) {
    let owner = owners.get(row.username);
    if (!owner) owners.set(row.username, (owner = { username: row.username, disabled: Boolean(row.disabled), keys: [] }));
    const key = row.openssh === null ? null : parsed.get(row.openssh);
    if (!key) continue;
    const published: PublishableKey = {
      openssh: key.openssh,
      createdAt: instant(row.createdAt)!,
      expiresAt: instant(row.expiresAt),
      revokedAt: instant(row.revokedAt),
      securityKey: key.securityKey !== null,
      touchRequired: Boolean(row.touchRequired),
      verifyRequired: Boolean(row.verifyRequired),
      sshOptions: row.sshOptions,
      unverified: Boolean(row.unverified),
    };
    owner.keys.push(published);
  }
  return [...owners.values()];
}
