import { openPrismaStore } from "../../strategy/store/prisma/store.js";

/** Adds a user with the given public keys to the database at `url`, through the directory, before a server process opens it. */
export async function seedUser(url: string, username: string, ...publicKeys: string[]): Promise<void> {
  const store = await openPrismaStore({ url });
  try {
    await store.directory.addUser(username);
    for (const key of publicKeys) await store.directory.addKey(username, key);
  } finally {
    await store.close();
  }
}
