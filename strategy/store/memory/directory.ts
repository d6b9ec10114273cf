import { randomUUID } from "node:crypto";
import type { ParsedPublicKey } from "../../keys/types.js";
import {
  alreadyRegistered,
  changedLimits,
  changedOptions,
  checkComment,
  checkKeyCount,
  checkNewKeys,
  checkNewUsername,
  keyMatches,
  maxCommentLength,
  maxRevokedReasonLength,
  newestFirst,
  newKeyFields,
  normalisedFingerprint,
  toUserRecord,
  type DirectoryOptions,
} from "../directory/rules.js";
import { keyStatus } from "../../core/key-state.js";
import { compareKeyPositions, defaultKeySort, keySortPosition } from "../../core/key-sort.js";
import {
  DirectoryError,
  type KeyChanges,
  type KeyDirectory,
  type KeyFilter,
  type KeyPageQuery,
  type KeyTotals,
  type KeyRecord,
  type NewKeyOptions,
  type Page,
  type UserFlags,
  type UserListing,
  type UserPageQuery,
  type UserOrigin,
  type UserRecord,
} from "../ports.js";
import type { KeyRow, MemoryTables, UserRow } from "./tables.js";
import { DirectoryBase } from "../directory/directory-base.js";
import { checkEmail } from "../directory/email.js";

/** KeyDirectory over MemoryTables: the same rules and answers as the Prisma adapter. */
export class MemoryDirectory extends DirectoryBase implements KeyDirectory {
  constructor(
    private readonly tables: MemoryTables,
    options: DirectoryOptions = {},
  ) {
    super(options);
  }

  private date(): Date {
    return new Date(this.tables.now());
  }

  async addUser(username: string, options: { isAdmin?: boolean | undefined; origin?: UserOrigin | undefined } = {}): Promise<UserRecord> {
    checkNewUsername(
      username,
      [...this.tables.users.values()].map((u) => u.username),
    );
    const at = this.date();
    const row: UserRow = {
      id: randomUUID(),
      username,
      isAdmin: options.isAdmin ?? false,
      disabled: false,
      requireUserVerification: false,
      createdAt: at,
      updatedAt: at,
      origin: options.origin ?? "local",
      email: null,
    };
    this.tables.users.set(row.id, row);
    this.changed("user", row.id);
    return toUserRecord(row);
  }

  private userRow(username: string): UserRow {
    const row = this.tables.userNamed(username);
    if (!row) throw new DirectoryError("not_found", `no user ${username}`);
    return row;
  }

  async findUser(username: string): Promise<UserRecord> {
    return toUserRecord(this.userRow(username));
  }

  async lookupUser(username: string): Promise<UserRecord | null> {
    const row = this.tables.userNamed(username);
    return row ? toUserRecord(row) : null;
  }

  async listUsers(): Promise<UserRecord[]> {
    return this.sortedUsers().map(toUserRecord);
  }

  private sortedUsers(): UserRow[] {
    return [...this.tables.users.values()].sort((a, b) => (a.username < b.username ? -1 : a.username > b.username ? 1 : 0));
  }

  async pageUsers(query: UserPageQuery): Promise<Page<UserListing>> {
    const needle = query.q?.toLowerCase();
    const rows = this.sortedUsers().filter(
      (u) => (!needle || u.username.toLowerCase().includes(needle)) && (query.after === undefined || u.username > query.after),
    );
    const items = rows.slice(0, query.limit).map((u) => ({ ...toUserRecord(u), keyCount: this.keysOf(u.id).length }));
    return { items, more: rows.length > query.limit };
  }

  async setUserFlags(username: string, flags: UserFlags): Promise<UserRecord> {
    const row = this.userRow(username);
    if (flags.isAdmin !== undefined) row.isAdmin = flags.isAdmin;
    if (flags.disabled !== undefined) row.disabled = flags.disabled;
    if (flags.requireUserVerification !== undefined) row.requireUserVerification = flags.requireUserVerification;
    if (flags.email !== undefined) row.email = flags.email === null ? null : checkEmail(flags.email);
    row.updatedAt = this.date();
    this.changed("user", row.id);
    return toUserRecord(row);
  }

  async removeUser(username: string): Promise<{ user: UserRecord; keyCount: number }> {
    const row = this.userRow(username);
    const keyCount = this.keysOf(row.id).length;
    this.tables.deleteUser(row.id);
    this.changed("user", row.id);
    return { user: toUserRecord(row), keyCount };
  }

  private keysOf(userId: string): KeyRow[] {
    return [...this.tables.keys.values()].filter((k) => k.userId === userId);
  }

  protected async ownerIsAdmin(userId: string): Promise<boolean> {
    return this.tables.users.get(userId)?.isAdmin ?? false;
  }

  async insertKeys(userId: string, keys: ParsedPublicKey[], given: NewKeyOptions = {}): Promise<KeyRecord[]> {
    checkNewKeys(keys, given, this.keyPolicy);
    const options = await this.applyKeyPolicy(userId, keys, given);
    const limits = changedLimits(options);
    const fingerprints = new Set(keys.map((k) => k.fingerprintSha256));
    const existing = [...this.tables.keys.values()].find((k) => fingerprints.has(k.fingerprintSha256));
    if (existing) throw alreadyRegistered(this.tables.keyRecord(existing));
    const kids = new Set(keys.map((k) => k.kid));
    if ([...this.tables.keys.values()].some((k) => kids.has(k.kid))) throw new DirectoryError("conflict", "a key in this paste is already registered");
    if (!this.tables.users.has(userId)) throw new DirectoryError("not_found", "no such user");
    checkKeyCount(this.keysOf(userId).length, keys.length, this.maxKeysPerUser);
    const createdAt = this.date();
    const rows: KeyRow[] = keys.map((key) => ({
      id: randomUUID(),
      userId,
      ...newKeyFields(key, options),
      createdAt,
      lastUsedAt: null,
      lastUsedIp: null,
      lastUsedScheme: null,
      useCount: 0,
      revokedAt: null,
      revokedReason: null,
      signCounter: null,
      verifiedAt: null,
      scopes: limits.scopes ?? null,
      rateLimit: limits.rateLimit ?? null,
      failedAttempts: 0,
      lockedUntil: null,
    }));
    for (const row of rows) this.tables.keys.set(row.id, row);
    for (const row of rows) this.changed("key", row.id);
    return rows.map((row) => this.tables.keyRecord(row)).sort(newestFirst);
  }

  async listKeys(username?: string): Promise<KeyRecord[]> {
    const rows = username === undefined ? [...this.tables.keys.values()] : this.keysOf(this.userRow(username).id);
    return rows
      .map((row) => this.tables.keyRecord(row))
      .sort(newestFirst)
      .reverse();
  }

  private filteredKeys(filter: KeyFilter, ignoreStatus = false): KeyRecord[] {
    const nowMs = filter.now.getTime();
    const identity = filter.identity;
    const before = filter.lastUsedBefore?.getTime();
    const after = filter.lastUsedAfter?.getTime();
    return [...this.tables.keys.values()]
      .map((row) => this.tables.keyRecord(row))
      .filter(
        (k) =>
          (filter.userId === undefined || k.userId === filter.userId) &&
          (ignoreStatus || filter.status === undefined || keyStatus(k, nowMs) === filter.status) &&
          (identity === undefined ||
            ("fingerprintSha256" in identity ? k.fingerprintSha256 === identity.fingerprintSha256 : k.fingerprintMd5 === identity.fingerprintMd5)) &&
          (!filter.q || keyMatches(k, filter.q, filter.searchUsernames ?? false)) &&
          (filter.type === undefined || k.type === filter.type) &&
          (filter.origin === undefined || k.origin === filter.origin) &&
          (before === undefined || (k.lastUsedAt !== null && k.lastUsedAt.getTime() < before)) &&
          (after === undefined || (k.lastUsedAt !== null && k.lastUsedAt.getTime() >= after)),
      );
  }

  async pageKeys(query: KeyPageQuery): Promise<Page<KeyRecord>> {
    const { column, order } = query.sort ?? defaultKeySort;
    const after = query.after;
    const rows = this.filteredKeys(query)
      .filter((k) => !after || compareKeyPositions(keySortPosition(k, column), after, order) > 0)
      .sort((a, b) => compareKeyPositions(keySortPosition(a, column), keySortPosition(b, column), order));
    return { items: rows.slice(0, query.limit), more: rows.length > query.limit };
  }

  async countKeys(filter: KeyFilter): Promise<KeyTotals> {
    const nowMs = filter.now.getTime();
    const byStatus: KeyTotals["byStatus"] = { active: 0, revoked: 0, expired: 0, unverified: 0 };
    let matching = 0;
    for (const key of this.filteredKeys(filter, true)) {
      const status = keyStatus(key, nowMs);
      byStatus[status]++;
      if (filter.status === undefined || filter.status === status) matching++;
    }
    return { matching, byStatus };
  }

  async findKey(fingerprintSha256: string): Promise<KeyRecord> {
    const normalised = normalisedFingerprint(fingerprintSha256);
    const row = [...this.tables.keys.values()].find((k) => k.fingerprintSha256 === normalised);
    if (!row) throw new DirectoryError("not_found", `no key with fingerprint ${normalised}`);
    return this.tables.keyRecord(row);
  }

  private keyRow(id: string): KeyRow {
    const row = this.tables.keys.get(id);
    if (!row) throw new DirectoryError("not_found", "no such key");
    return row;
  }

  async findKeyById(id: string): Promise<KeyRecord> {
    return this.tables.keyRecord(this.keyRow(id));
  }

  async lookupKeyById(id: string): Promise<KeyRecord | null> {
    const row = this.tables.keys.get(id);
    return row ? this.tables.keyRecord(row) : null;
  }

  async updateKeyById(id: string, changes: KeyChanges): Promise<KeyRecord> {
    checkComment(changes.comment);
    const sshOptions = changedOptions(changes.sshOptions);
    const limits = changedLimits(changes);
    const row = this.keyRow(id);
    if (limits.scopes !== undefined) row.scopes = limits.scopes;
    if (limits.rateLimit !== undefined) row.rateLimit = limits.rateLimit;
    if (changes.comment !== undefined) row.comment = changes.comment.slice(0, maxCommentLength);
    if (changes.expiresAt !== undefined) row.expiresAt = changes.expiresAt;
    if (sshOptions !== undefined) row.sshOptions = sshOptions;
    this.changed("key", id);
    return this.tables.keyRecord(row);
  }

  async unlockKeyById(id: string): Promise<KeyRecord> {
    const row = this.keyRow(id);
    if (row.lockedUntil === null && row.failedAttempts === 0) return this.tables.keyRecord(row);
    row.lockedUntil = null;
    row.failedAttempts = 0;
    this.changed("key", id);
    return this.tables.keyRecord(row);
  }

  async markKeyVerified(id: string, at: Date): Promise<KeyRecord> {
    const row = this.keyRow(id);
    if (!row.unverified) return this.tables.keyRecord(row);
    row.unverified = false;
    row.verifiedAt = at;
    this.changed("key", id);
    return this.tables.keyRecord(row);
  }

  async revokeKey(fingerprintSha256: string, reason?: string): Promise<KeyRecord> {
    const key = await this.findKey(fingerprintSha256);
    if (key.revokedAt) return key;
    return this.revokeKeyById(key.id, reason ?? null, this.date());
  }

  async revokeKeyById(id: string, reason: string | null, at: Date = this.date()): Promise<KeyRecord> {
    const row = this.keyRow(id);
    if (row.revokedAt) throw new DirectoryError("conflict", "the key is already revoked");
    row.revokedAt = at;
    row.revokedReason = reason?.slice(0, maxRevokedReasonLength) ?? null;
    this.changed("key", id);
    return this.tables.keyRecord(row);
  }

  async removeKey(fingerprintSha256: string): Promise<KeyRecord> {
    return this.removeKeyById((await this.findKey(fingerprintSha256)).id);
  }

  async removeKeyById(id: string): Promise<KeyRecord> {
    const record = this.tables.keyRecord(this.keyRow(id));
    this.tables.deleteKey(id);
    this.changed("key", id);
    return record;
  }
}
