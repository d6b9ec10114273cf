import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient as SqliteClient } from "./generated/sqlite/client.js";
import { PrismaClient as PostgresClient } from "./generated/postgresql/client.js";
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

export function connectDatabase(url?: string): Database {
  const location = locateDatabase(url);
  let prisma: Prisma;
  if (location.provider === "postgresql") {
    const client = new PostgresClient({ adapter: new PrismaPg({ connectionString: location.url }) });
    prisma = client as unknown as Prisma;
  } else {
    ensureDatabaseDirectory(location);
    prisma = new SqliteClient({ adapter: new PrismaBetterSqlite3({ url: location.url, timeout: 10_000 }) });
  }
  return { prisma, provider: location.provider, url: location.url, close: () => prisma.$disconnect() };
}
