import { storedKeyBreaks } from "../policy/breaking-keys.js";
import { newKeyPolicy } from "../policy/rules.js";
import { readKeyPolicy } from "../policy/setting.js";
import type { parseKeyPaste } from "../keys/index.js";
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

/**
 * What of the key policy each pasted key would break if added for an owner who is (or is not)
 * an administrator, by line: the preview says so before the save refuses it. An unreadable
 * stored policy is the save's to report (it refuses every key).
 */
export async function newKeyBreaksOf(
  store: AdminStore,
  entries: ReturnType<typeof parseKeyPaste>,
  ownerIsAdmin: boolean,
  nowMs: number,
): Promise<Map<number, string[]>> {
  const { policy, error } = await readKeyPolicy(store.settings);
  const found = new Map<number, string[]>();
  if (error !== null) return found;
  for (const entry of entries) {
    if (!entry.ok) continue;
    const { breaks } = newKeyPolicy(policy, { type: entry.key.type, bits: entry.key.bits, ownerIsAdmin }, undefined, nowMs);
    if (breaks.length > 0)
      found.set(
        entry.source.line,
        breaks.map((b) => b.message),
      );
  }
  return found;
}
