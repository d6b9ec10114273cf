// The adapters every port test runs against: memory always, SQLite always, PostgreSQL when it
// answers (mandatory under CI=true, see test/support/databases.ts).
import { createMemoryStore, openPrismaStore, type SshKeyStore } from "../../../strategy/store/index.js";
import { createTestDatabase, databaseKinds } from "../../support/databases.js";

export interface OpenedStore {
  store: SshKeyStore;
  close(): Promise<void>;
}

export interface AdapterOptions {
  maxKeysPerUser?: number;
  now?: () => number;
}

export const adapterNames = ["memory", ...databaseKinds] as const;

export async function openAdapter(name: (typeof adapterNames)[number], options: AdapterOptions = {}): Promise<OpenedStore> {
  if (name === "memory") {
    const store = createMemoryStore(options);
    return { store, close: () => store.close() };
  }
  const database = await createTestDatabase(name);
  // No key cache: these tests read the store itself, not the cache in front of it.
  const store = await openPrismaStore({ url: database.url, keyCache: { enabled: false }, activity: { flushEveryMs: 20 }, ...options });
  return {
    store,
    async close() {
      await store.close();
      await database.drop();
    },
  };
}
