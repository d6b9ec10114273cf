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

/**
 * Connects Prisma to DATABASE_URL (or `url`). Only the provider in use is loaded: each
 * generated client brings its own query compiler, and a CLI command should not pay for both.
 */
export async function connectDatabase(url?: string): Promise<Database> {
  const location = locateDatabase(url);
  let prisma: Prisma;
  if (location.provider === "postgresql") {
    const [{ PrismaClient }, { PrismaPg }] = await Promise.all([
      import("./generated/postgresql/client.js"),
      import("@prisma/adapter-pg"),
    ]);
    prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: location.url }) }) as unknown as Prisma;
  } else {
    ensureDatabaseDirectory(location);
    const [{ PrismaClient }, { PrismaBetterSqlite3 }] = await Promise.all([
      import("./generated/sqlite/client.js"),
      import("@prisma/adapter-better-sqlite3"),
    ]);
    prisma = new PrismaClient({ adapter: new PrismaBetterSqlite3({ url: location.url, timeout: 10_000 }) });
  }
  return { prisma, provider: location.provider, url: location.url, close: () => prisma.$disconnect() };
}
