import type { PrismaStore, PrismaStoreOptions } from "./prisma/store.js";

/**
 * The zero-config store: Prisma on DATABASE_URL or ./data/passport-sshkey.db, migrated on
 * first use. Imported lazily, so an application that passes its own store never loads
 * Prisma or a database driver.
 */
export async function openDefaultStore(options: PrismaStoreOptions): Promise<PrismaStore> {
  const { openPrismaStore } = await import("./prisma/store.js");
  return openPrismaStore(options);
}
