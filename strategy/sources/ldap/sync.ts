import { parseKeyPaste } from "../../keys/index.js";
import type { ParsedPublicKey } from "../../keys/types.js";
import { usernameProblem } from "../../store/directory/usernames.js";
import { DirectoryError, type KeyDirectory, type KeyRecord, type UserRecord } from "../../store/ports.js";
import type { LdapUserEntry } from "./directory-reader.js";

/** Why one entry or key was not applied. */
interface SkippedItem {
  dn: string;
  username: string | null;
  reason: string;
}

export interface LdapSyncReport {
  /** Entries read and keys found in them (before skipping). */
  entries: number;
  added: { username: string; fingerprintSha256: string }[];
  removed: { username: string; fingerprintSha256: string }[];
  skipped: SkippedItem[];
  createdUsers: string[];
  disabledUsers: string[];
  enabledUsers: string[];
}

/** Far above any real key line (an RSA key of 16384 bits is about 2.8 KB). */
const maxValueBytes = 16 * 1024;

/**
 * Makes the store's LDAP-origin users and keys match `entries`, read in full: creates missing
 * users (origin ldap), adds their keys (origin ldap, originRef the DN), deletes LDAP keys no
 * longer listed, disables LDAP users no longer listed. Local users and uploaded keys are never
 * touched; a revoked LDAP key is kept (revoked) even when LDAP drops it, so a revocation sticks
 * if the key comes back. `disabledBySync` holds the ids of users this sync disabled, so it
 * re-enables only those (an administrator's disable sticks); it is updated in place.
 */
export async function syncLdapUsers(directory: KeyDirectory, entries: readonly LdapUserEntry[], disabledBySync: Set<string>): Promise<LdapSyncReport> {
  const report: LdapSyncReport = { entries: entries.length, added: [], removed: [], skipped: [], createdUsers: [], disabledUsers: [], enabledUsers: [] };
  const users = new Map((await directory.listUsers()).map((user) => [user.username, user]));
  const keys = await directory.listKeys();
  const byFingerprint = new Map(keys.map((key) => [key.fingerprintSha256, key]));
  const seenUsers = new Set<string>();

  for (const entry of entries) {
    const skip = (reason: string, username: string | null = null) => report.skipped.push({ dn: entry.dn, username, reason });
    if (entry.usernames.length !== 1) {
      skip(entry.usernames.length === 0 ? "no username" : "more than one username");
      continue;
    }
    const username = entry.usernames[0]!;
    const problem = usernameProblem(username);
    if (problem) {
      skip(`the username is refused: ${problem.message}`);
      continue;
    }
    if (seenUsers.has(username)) {
      skip("another entry has the same username", username);
      continue;
    }
    let user = users.get(username);
    if (user && user.origin !== "ldap") {
      skip("a local user has this username; LDAP does not manage local users", username);
      continue;
    }
    seenUsers.add(username);
    const wanted = parseEntryKeys(entry, directory, (reason) => skip(reason, username));
    if (!user) {
      if (wanted.length === 0) continue;
      try {
        user = await directory.addUser(username, { origin: "ldap" });
      } catch (error) {
        if (!(error instanceof DirectoryError)) throw error;
        skip(error.message, username);
        continue;
      }
      users.set(username, user);
      report.createdUsers.push(username);
    } else if (user.disabled && disabledBySync.has(user.id)) {
      await directory.setUserFlags(username, { disabled: false });
      disabledBySync.delete(user.id);
      report.enabledUsers.push(username);
    }
    await applyKeys(directory, user, entry.dn, wanted, byFingerprint, report, (reason) => skip(reason, username));
  }

  for (const key of keys) {
    if (key.origin === "ldap" && !key.revokedAt && !seenUsers.has(key.username) && byFingerprint.get(key.fingerprintSha256) === key) {
      await removeKey(directory, key, report);
    }
  }
  for (const user of users.values()) {
    if (user.origin === "ldap" && !seenUsers.has(user.username) && !user.disabled) {
      await directory.setUserFlags(user.username, { disabled: true });
      disabledBySync.add(user.id);
      report.disabledUsers.push(user.username);
    }
  }
  return report;
}

/** The usable keys among an entry's first maxKeysPerUser values (a user may hold no more), each once; the rest reported. */
function parseEntryKeys(entry: LdapUserEntry, directory: KeyDirectory, skip: (reason: string) => void): ParsedPublicKey[] {
  const keys = new Map<string, ParsedPublicKey>();
  const limit = directory.maxKeysPerUser;
  for (const value of entry.keys.slice(0, limit)) {
    if (Buffer.byteLength(value) > maxValueBytes) {
      skip(`a key value of ${Buffer.byteLength(value)} bytes is too long`);
      continue;
    }
    const parsed = parseKeyPaste(value, directory.keyPolicy);
    if (parsed.length === 0) skip("a key value holds no public key");
    for (const item of parsed) {
      if (!item.ok) skip(`a key value is refused: ${item.problem.message}`);
      else keys.set(item.key.fingerprintSha256, item.key);
    }
  }
  if (entry.keys.length > limit) skip(`${entry.keys.length - limit} key values beyond the ${limit} a user may hold were ignored`);
  return [...keys.values()].slice(0, limit);
}

async function applyKeys(
  directory: KeyDirectory,
  user: UserRecord,
  dn: string,
  wanted: readonly ParsedPublicKey[],
  byFingerprint: Map<string, KeyRecord>,
  report: LdapSyncReport,
  skip: (reason: string) => void,
): Promise<void> {
  const wantedFingerprints = new Set(wanted.map((key) => key.fingerprintSha256));
  for (const key of byFingerprint.values()) {
    if (key.userId === user.id && key.origin === "ldap" && !key.revokedAt && !wantedFingerprints.has(key.fingerprintSha256)) {
      await removeKey(directory, key, report);
    }
  }
  for (const key of wanted) {
    const held = byFingerprint.get(key.fingerprintSha256);
    // Already the user's (from LDAP, or uploaded by them): left as it is, revoked or not.
    if (held?.userId === user.id) continue;
    if (held) {
      skip(`key ${key.fingerprintSha256} is registered to another user`);
      continue;
    }
    try {
      const record = await directory.insertKey(user.id, key, { comment: key.comment, origin: "ldap", originRef: dn });
      byFingerprint.set(record.fingerprintSha256, record);
      report.added.push({ username: user.username, fingerprintSha256: record.fingerprintSha256 });
    } catch (error) {
      if (!(error instanceof DirectoryError)) throw error;
      skip(`key ${key.fingerprintSha256}: ${error.message}`);
    }
  }
}

async function removeKey(directory: KeyDirectory, key: KeyRecord, report: LdapSyncReport): Promise<void> {
  try {
    await directory.removeKeyById(key.id);
  } catch (error) {
    // Deleted meanwhile (another instance's sync, an administrator): the outcome wanted.
    if (!(error instanceof DirectoryError && error.code === "not_found")) throw error;
  }
  report.removed.push({ username: key.username, fingerprintSha256: key.fingerprintSha256 });
}
