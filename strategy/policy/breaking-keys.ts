import type { KeyPolicy } from "../contract/policy.js";
import { keyStatus } from "../core/key-state.js";
import type { KeyDirectory, KeyRecord } from "../store/ports.js";
import { keyPolicyBreaks, type PolicyBreak } from "./rules.js";

/** The breaks of one stored key; none for a key that cannot sign in anyway (revoked, expired). */
export function storedKeyBreaks(policy: KeyPolicy, key: KeyRecord, ownerIsAdmin: boolean, nowMs: number): PolicyBreak[] {
  const status = keyStatus(key, nowMs);
  if (status === "revoked" || status === "expired") return [];
  return keyPolicyBreaks(
    policy,
    { type: key.type, bits: key.bits, ownerIsAdmin, createdAt: key.createdAt, lastUsedAt: key.lastUsedAt, expiresAt: key.expiresAt },
    nowMs,
  );
}

/** Who of these keys' owners is an administrator, by username (one read of the users). */
async function adminUsernames(directory: KeyDirectory): Promise<Set<string>> {
  return new Set((await directory.listUsers()).filter((user) => user.isAdmin).map((user) => user.username));
}

/** Every stored key that breaks `policy` now, with its breaks (the CLI's `policy show`, the console's count). */
export async function keysBreakingPolicy(directory: KeyDirectory, policy: KeyPolicy, nowMs: number): Promise<{ key: KeyRecord; breaks: PolicyBreak[] }[]> {
  const [keys, admins] = await Promise.all([directory.listKeys(), adminUsernames(directory)]);
  return keys.map((key) => ({ key, breaks: storedKeyBreaks(policy, key, admins.has(key.username), nowMs) })).filter((found) => found.breaks.length > 0);
}
