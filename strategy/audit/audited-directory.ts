import type { KeyDirectory, KeyRecord } from "../store/ports.js";
import type { AuditOrigin, AuditRecorder } from "./recorder.js";
import { keyAppeared, keyChanges, keyDeleted, userChanges, userCreated, userDeleted } from "./targets.js";

/**
 * The directory with every change it makes recorded as `origin`, right after it is made. For
 * jobs that change the directory in many places (the LDAP sync, the periodic key sync, bulk
 * imports): each write is audited without the job knowing. Reads pass straight through.
 */
export function auditedDirectory(
  directory: KeyDirectory,
  recorder: AuditRecorder,
  origin: AuditOrigin,
  /** "imported" for a bulk import of uploaded keys (allowed_signers); default: by the key's origin. */
  newKeys?: "key.added" | "key.imported",
): KeyDirectory {
  const record = recorder.recordAll.bind(recorder, origin);
  // A key stored by hand is "added"; one brought in from a list, LDAP or a bulk import is "imported".
  const appeared = (key: KeyRecord) => keyAppeared(newKeys ?? (key.origin === "upload" ? "key.added" : "key.imported"), key);
  const writes: Partial<KeyDirectory> = {
    async addUser(username, options) {
      const user = await directory.addUser(username, options);
      await record([userCreated(user)]);
      return user;
    },
    async setUserFlags(username, flags) {
      const before = await directory.findUser(username);
      const after = await directory.setUserFlags(username, flags);
      await record(userChanges(before, after));
      return after;
    },
    async removeUser(username) {
      const removed = await directory.removeUser(username);
      await record([userDeleted(removed.user, removed.keyCount)]);
      return removed;
    },
    async addKey(username, text, options) {
      const key = await directory.addKey(username, text, options);
      await record([appeared(key)]);
      return key;
    },
    async insertKey(userId, key, options) {
      const stored = await directory.insertKey(userId, key, options);
      await record([appeared(stored)]);
      return stored;
    },
    async insertKeys(userId, keys, options) {
      const stored = await directory.insertKeys(userId, keys, options);
      await record(stored.map(appeared));
      return stored;
    },
    async updateKeyById(id, changes) {
      const before = await directory.findKeyById(id);
      const after = await directory.updateKeyById(id, changes);
      await record(keyChanges(before, after));
      return after;
    },
    async markKeyVerified(id, at) {
      const before = await directory.findKeyById(id);
      const after = await directory.markKeyVerified(id, at);
      await record(keyChanges(before, after));
      return after;
    },
    async revokeKey(fingerprint, reason) {
      const before = await directory.findKey(fingerprint);
      const after = await directory.revokeKey(fingerprint, reason);
      await record(keyChanges(before, after));
      return after;
    },
    async revokeKeyById(id, reason, at) {
      const before = await directory.findKeyById(id);
      const after = await directory.revokeKeyById(id, reason, at);
      await record(keyChanges(before, after));
      return after;
    },
    async removeKey(fingerprint) {
      const removed = await directory.removeKey(fingerprint);
      await record([keyDeleted(removed)]);
      return removed;
    },
    async removeKeyById(id) {
      const removed = await directory.removeKeyById(id);
      await record([keyDeleted(removed)]);
      return removed;
    },
  };
  return new Proxy(directory, {
    get(target, property) {
      if (Object.hasOwn(writes, property)) return writes[property as keyof KeyDirectory];
      const value: unknown = Reflect.get(target, property);
      return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}
