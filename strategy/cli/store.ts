import { openPrismaStore, type PrismaStore } from "../store/prisma/store.js";

/** Opens the default store (DATABASE_URL or the embedded file) for one command and closes it after. */
export async function withStore<T>(work: (store: PrismaStore) => Promise<T>): Promise<T> {
  const store = await openPrismaStore();
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}
