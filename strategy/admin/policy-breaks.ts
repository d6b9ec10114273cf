import { storedKeyBreaks } from "../policy/breaking-keys.js";
import { readKeyPolicy } from "../policy/setting.js";
import type { KeyRecord } from "../store/ports.js";
import type { AdminStore } from "./context.js";

/** What of the key policy each of these keys breaks now, by key id (the console's "Breaks policy" badge). */
export async function policyBreaksOf(store: AdminStore, keys: readonly KeyRecord[], nowMs: number): Promise<Map<string, string[]>> {
  const { policy } = await readKeyPolicy(store.settings);
  const owners = [...new Set(keys.map((key) => key.username))];
  const admins = new Set(
    (await Promise.all(owners.map((name) => store.directory.lookupUser(name)))).filter((user) => user?.isAdmin).map((user) => user!.username),
  );
  return new Map(keys.map((key) => [key.id, storedKeyBreaks(policy, key, admins.has(key.username), nowMs).map((found) => found.message)]));
}
