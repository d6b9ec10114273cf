import type { PrismaClient as SqliteClient } from "./generated/sqlite/client.js";
import { ensureDatabaseDirectory, locateDatabase, type Provider } from "./database-url.js";

/**
 * Both generated clients expose the same model API (one shared models.prisma); the
 * SQLite client's type stands for both. Prisma ties a generated client to one provider,
 * hence two generated clients rather than one.
 */
export type Prisma = SqliteClient;

export interface Database {
  prisma: Prisma;
  provider: Provider;
  url: string;
  close(): Promise<void>;
}

/** How long a connection waits on a database that does not answer (see PrismaStoreOptions). */
export interface ConnectionTimeouts {
  /** SQLite: how long a statement waits for another process's write lock (default 100 ms). */
  sqliteBusyTimeoutMs?: number | undefined;
  /** PostgreSQL: connecting (default 2 s). */
  connectTimeoutMs?: number | undefined;
  /** PostgreSQL: one statement, enforced by the server and by the client (default 2 s). */
  statementTimeoutMs?: number | undefined;
  /** PostgreSQL: a transaction left open without work (default 5 s). */
  idleInTransactionTimeoutMs?: number | undefined;
}

/**
 * pg pool settings from the timeouts. The client-side query timeout catches what the server
 * cannot (a stalled network): the request fails and its connection is discarded.
 */
export function postgresPoolTimeouts(timeouts: ConnectionTimeouts = {}) {
  const statement = timeouts.statementTimeoutMs ?? 2000;
  return {
    connectionTimeoutMillis: timeouts.connectTimeoutMs ?? 2000,
    statement_timeout: statement,
    query_timeout: statement + 500,
    idle_in_transaction_session_timeout: timeouts.idleInTransactionTimeoutMs ?? 5000,
    keepAlive: true,
  };
}

/**
 * Connects Prisma to DATABASE_URL (or `url`). Only the provider in use is loaded: each
 * generated client brings its own query compiler, and a CLI command should not pay for both.
 */
export async function connectDatabase(url?: string, timeouts: ConnectionTimeouts = {}, { fileMustExist = false } = {}): Promise<Database> {
  const location = locateDatabase(url);
  let prisma: Prisma;
  if (location.provider === "postgresql") {
    const [{ PrismaClient }, { PrismaPg }] = await Promise.all([import("./generated/postgresql/client.js"), import("@prisma/adapter-pg")]);
    prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: location.url, ...postgresPoolTimeouts(timeouts) }) }) as unknown as Prisma;
  } else {
    if (!fileMustExist) ensureDatabaseDirectory(location);
    const [{ PrismaClient }, { PrismaBetterSqlite3 }] = await Promise.all([import("./generated/sqlite/client.js"), import("@prisma/adapter-better-sqlite3")]);
    // better-sqlite3 waits for a lock synchronously, holding the whole event loop: keep it short.
    prisma = new PrismaClient({ adapter: new PrismaBetterSqlite3({ url: location.url, timeout: timeouts.sqliteBusyTimeoutMs ?? 100, fileMustExist }) });
  }
  return { prisma, provider: location.provider, url: location.url, close: () => prisma.$disconnect() };
}
