import { openDefaultStore } from "../store/default-store.js";
import type { SshKeyStore } from "../store/ports.js";

/** Opens the default store (DATABASE_URL or the embedded file) for one command and closes it after. */
export async function withStore<T>(work: (store: SshKeyStore) => Promise<T>): Promise<T> {
  const store = await openDefaultStore();
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}
