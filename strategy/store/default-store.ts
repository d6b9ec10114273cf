import type { PrismaStore } from "./prisma/store.js";
import type { PrismaStoreOptions } from "./prisma/store-options.js";

/**
 * The zero-configuration store (DATABASE_URL, else the embedded SQLite file), imported only
 * when it is opened: an application that passes its own store never loads Prisma or a driver.
 */
export async function openDefaultStore(options: PrismaStoreOptions = {}): Promise<PrismaStore> {
  const { openPrismaStore } = await import("./prisma/store.js");
  return openPrismaStore(options);
}
