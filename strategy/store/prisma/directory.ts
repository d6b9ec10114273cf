import type { ParsedPublicKey } from "../../keys/types.js";
import {
  alreadyRegistered,
  changedOptions,
  checkComment,
  checkDirectoryOptions,
  checkKeyCount,
  checkNewKeys,
  checkNewUsername,
  changedLimits,
  maxCommentLength,
  maxRevokedReasonLength,
  newestFirst,
  newKeyFields,
  normalisedFingerprint,
  type DirectoryOptions,
} from "../directory/rules.js";
import {
  DirectoryError,
  type KeyChanges,
  type KeyDirectory,
  type KeyFilter,
  type KeyPageQuery,
  type KeyTotals,
  type KeyOrigin,
  type KeyRecord,
  type NewKeyOptions,
  type Page,
  type UserFlags,
  type UserListing,
  type UserPageQuery,
  type UserOrigin,
  type UserRecord,
} from "../ports.js";
import type { Prisma } from "./client.js";
import { keyStatuses, type KeyStatus } from "../../core/key-state.js";
import { defaultKeySort, nullableSortColumns, type KeySort, type KeySortColumn, type KeySortPosition } from "../../core/key-sort.js";
import { DirectoryBase } from "../directory/directory-base.js";
import { checkEmail } from "../directory/email.js";
import type { Provider } from "./database-url.js";
import { scopesColumn, scopesOfColumn, type KeyRateLimit } from "../../core/key-limits.js";

const userColumns = {
  id: true,
  username: true,
  isAdmin: true,
  disabled: true,
  requireUserVerification: true,
  createdAt: true,
  origin: true,
  email: true,
} as const;

/** The write side of users and keys over Prisma, shared by the CLI and the admin API. */
export class PrismaDirectory extends DirectoryBase implements KeyDirectory {
  constructor(
    private readonly prisma: Prisma,
    options: DirectoryOptions = {},
    /** PostgreSQL compares text case-sensitively unless asked; SQLite's LIKE already ignores ASCII case. */
    private readonly provider: Provider = "sqlite",
  ) {
    super(options);
  }

  /** The options with defaults applied; throws TypeError for a bad value (before any database work). */
  static checkOptions(options: DirectoryOptions): { rsaMaxBits: number; maxKeysPerUser: number } {
    return checkDirectoryOptions(options);
  }

  private get insensitive(): { mode?: "insensitive" } {
    return this.provider === "postgresql" ? { mode: "insensitive" } : {};
  }

  async addUser(username: string, options: { isAdmin?: boolean | undefined; origin?: UserOrigin | undefined } = {}): Promise<UserRecord> {
    // A scan, not an index: creating users is rare and admin-only, and the skeleton rules
    // may grow without a migration.
    const existing = await this.prisma.user.findMany({ select: { username: true } });
    checkNewUsername(
      username,
      existing.map((u) => u.username),
    );
    let user: UserRecord;
    try {
      user = await this.prisma.user
        .create({ data: { username, isAdmin: options.isAdmin ?? false, origin: options.origin ?? "local" }, select: userColumns })
        .then(withOrigin);
    } catch (error) {
      if ((error as { code?: unknown }).code === "P2002") throw new DirectoryError("conflict", `user ${username} already exists`);
      throw error;
    }
    // Caches may hold "no such user" for this name.
    this.changed("user", user.id);
    return user;
  }

  async findUser(username: string): Promise<UserRecord> {
    const user = await this.lookupUser(username);
    if (!user) throw new DirectoryError("not_found", `no user ${username}`);
    return user;
  }

  lookupUser(username: string): Promise<UserRecord | null> {
    return this.prisma.user.findUnique({ where: { username }, select: userColumns }).then((row) => row && withOrigin(row));
  }

  listUsers(): Promise<UserRecord[]> {
    // Whole rows: `users list --json` has always printed updatedAt too.
    return this.prisma.user.findMany({ orderBy: { username: "asc" } }).then((rows) => rows.map(withOrigin));
  }

  async pageUsers(query: UserPageQuery): Promise<Page<UserListing>> {
    const rows = await this.prisma.user.findMany({
      where: {
        AND: [
          ...(query.q ? [{ username: { contains: query.q, ...this.insensitive } }] : []),
          ...(query.after !== undefined ? [{ username: { gt: query.after } }] : []),
        ],
      },
      select: { ...userColumns, _count: { select: { keys: true } } },
      orderBy: { username: "asc" },
      take: query.limit + 1,
    });
    const items = rows.slice(0, query.limit).map(({ _count, ...user }) => ({ ...withOrigin(user), keyCount: _count.keys }));
    return { items, more: rows.length > query.limit };
  }

  async setUserFlags(username: string, flags: UserFlags): Promise<UserRecord> {
    const user = await this.findUser(username);
    const data: { isAdmin?: boolean; disabled?: boolean; requireUserVerification?: boolean; email?: string | null } = {};
    if (flags.isAdmin !== undefined) data.isAdmin = flags.isAdmin;
    if (flags.disabled !== undefined) data.disabled = flags.disabled;
    if (flags.requireUserVerification !== undefined) data.requireUserVerification = flags.requireUserVerification;
    if (flags.email !== undefined) data.email = flags.email === null ? null : checkEmail(flags.email);
    const updated = withOrigin(await this.prisma.user.update({ where: { id: user.id }, data, select: userColumns }));
    this.changed("user", user.id);
    return updated;
  }

  async removeUser(username: string): Promise<{ user: UserRecord; keyCount: number }> {
    const user = await this.findUser(username);
    const keyCount = await this.prisma.publicKey.count({ where: { userId: user.id } });
    await this.prisma.user.delete({ where: { id: user.id } });
    this.changed("user", user.id);
    return { user, keyCount };
  }

  protected async ownerIsAdmin(userId: string): Promise<boolean> {
    return (await this.prisma.user.findUnique({ where: { id: userId }, select: { isAdmin: true } }))?.isAdmin ?? false;
  }

  async insertKeys(userId: string, keys: ParsedPublicKey[], given: NewKeyOptions = {}): Promise<KeyRecord[]> {
    checkNewKeys(keys, given, this.keyPolicy);
    const options = await this.applyKeyPolicy(userId, keys, given);
    const limits = limitColumns(changedLimits(options));
    const existing = await this.prisma.publicKey.findFirst({
      where: { fingerprintSha256: { in: keys.map((k) => k.fingerprintSha256) } },
      include: { user: true },
    });
    if (existing) throw alreadyRegistered({ ...existing, username: existing.user.username });
    // Checked before the insert, not under a lock: concurrent adds for one user may pass
    // it together, which overshoots the limit by at most the number of racing requests.
    checkKeyCount(await this.prisma.publicKey.count({ where: { userId } }), keys.length, this.maxKeysPerUser);
    try {
      const rows = await this.prisma.$transaction(
        keys.map((key) => this.prisma.publicKey.create({ data: { userId, ...newKeyFields(key, options), ...limits }, include: { user: true } })),
      );
      for (const row of rows) this.changed("key", row.id);
      // Newest first, as the admin API lists keys; rows of one transaction share createdAt closely.
      return rows.map(toKeyRecord).sort(newestFirst);
    } catch (error) {
      if ((error as { code?: unknown }).code === "P2002") throw new DirectoryError("conflict", "a key in this paste is already registered");
      throw error;
    }
  }

  async listKeys(username?: string): Promise<KeyRecord[]> {
    const where = username ? { userId: (await this.findUser(username)).id } : {};
    const rows = await this.prisma.publicKey.findMany({
      where,
      include: { user: true },
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    });
    return rows.map(toKeyRecord);
  }

  /** The conditions of a key filter; the status one separately, so the totals can count every state under the rest. */
  private keyConditions(filter: KeyFilter): object[] {
    const and: object[] = [];
    if (filter.userId !== undefined) and.push({ userId: filter.userId });
    const identity = filter.identity;
    if (identity !== undefined)
      and.push("fingerprintSha256" in identity ? { fingerprintSha256: identity.fingerprintSha256 } : { fingerprintMd5: identity.fingerprintMd5 });
    if (filter.q) {
      const contains = { contains: filter.q, ...this.insensitive };
      and.push({
        OR: [
          { comment: contains },
          { fingerprintSha256: contains },
          { fingerprintMd5: contains },
          { kid: { startsWith: filter.q.toLowerCase() } },
          { type: contains },
          ...(filter.searchUsernames ? [{ user: { username: contains } }] : []),
        ],
      });
    }
    if (filter.type !== undefined) and.push({ type: filter.type });
    if (filter.origin !== undefined) and.push({ origin: filter.origin });
    if (filter.lastUsedBefore !== undefined) and.push({ lastUsedAt: { lt: filter.lastUsedBefore } });
    if (filter.lastUsedAfter !== undefined) and.push({ lastUsedAt: { gte: filter.lastUsedAfter } });
    return and;
  }

  async pageKeys(query: KeyPageQuery): Promise<Page<KeyRecord>> {
    const sort = query.sort ?? defaultKeySort;
    const and = this.keyConditions(query);
    if (query.status !== undefined) and.push(statusCondition(query.status, query.now));
    if (query.after) and.push(afterPosition(sort, query.after));
    const rows = await this.prisma.publicKey.findMany({
      where: { AND: and } as never,
      include: { user: true },
      orderBy: sortOrder(sort) as never,
      take: query.limit + 1,
    });
    return { items: rows.slice(0, query.limit).map(toKeyRecord), more: rows.length > query.limit };
  }

  async countKeys(filter: KeyFilter): Promise<KeyTotals> {
    const and = this.keyConditions(filter);
    const count = (status: KeyStatus) => this.prisma.publicKey.count({ where: { AND: [...and, statusCondition(status, filter.now)] } as never });
    const [active, revoked, expired, unverified] = await Promise.all(keyStatuses.map(count));
    const byStatus = { active: active!, revoked: revoked!, expired: expired!, unverified: unverified! };
    const matching = filter.status === undefined ? active! + revoked! + expired! + unverified! : byStatus[filter.status];
    return { matching, byStatus };
  }

  async findKey(fingerprintSha256: string): Promise<KeyRecord> {
    const normalised = normalisedFingerprint(fingerprintSha256);
    const row = await this.prisma.publicKey.findUnique({ where: { fingerprintSha256: normalised }, include: { user: true } });
    if (!row) throw new DirectoryError("not_found", `no key with fingerprint ${normalised}`);
    return toKeyRecord(row);
  }

  async findKeyById(id: string): Promise<KeyRecord> {
    const key = await this.lookupKeyById(id);
    if (!key) throw new DirectoryError("not_found", "no such key");
    return key;
  }

  async lookupKeyById(id: string): Promise<KeyRecord | null> {
    const row = await this.prisma.publicKey.findUnique({ where: { id }, include: { user: true } });
    return row && toKeyRecord(row);
  }

  async updateKeyById(id: string, changes: KeyChanges): Promise<KeyRecord> {
    checkComment(changes.comment);
    const sshOptions = changedOptions(changes.sshOptions);
    const data: { comment?: string; expiresAt?: Date | null; sshOptions?: string | null } & LimitColumns = limitColumns(changedLimits(changes));
    if (changes.comment !== undefined) data.comment = changes.comment.slice(0, maxCommentLength);
    if (changes.expiresAt !== undefined) data.expiresAt = changes.expiresAt;
    if (sshOptions !== undefined) data.sshOptions = sshOptions;
    let row;
    try {
      row = await this.prisma.publicKey.update({ where: { id }, data, include: { user: true } });
    } catch (error) {
      if ((error as { code?: unknown }).code === "P2025") throw new DirectoryError("not_found", "no such key");
      throw error;
    }
    this.changed("key", id);
    return toKeyRecord(row);
  }

  async unlockKeyById(id: string): Promise<KeyRecord> {
    const result = await this.prisma.publicKey.updateMany({
      where: { id, OR: [{ lockedUntil: { not: null } }, { failedAttempts: { gt: 0 } }] },
      data: { lockedUntil: null, failedAttempts: 0 },
    });
    if (result.count === 1) this.changed("key", id);
    return this.findKeyById(id);
  }

  async markKeyVerified(id: string, at: Date): Promise<KeyRecord> {
    // Conditional, so of concurrent proofs the first one's time is kept.
    const result = await this.prisma.publicKey.updateMany({ where: { id, unverified: true }, data: { unverified: false, verifiedAt: at } });
    if (result.count === 1) this.changed("key", id);
    return this.findKeyById(id);
  }

  async revokeKey(fingerprintSha256: string, reason?: string): Promise<KeyRecord> {
    const key = await this.findKey(fingerprintSha256);
    if (key.revokedAt) return key;
    const row = await this.prisma.publicKey.update({
      where: { id: key.id },
      data: { revokedAt: new Date(), revokedReason: reason?.slice(0, maxRevokedReasonLength) ?? null },
      include: { user: true },
    });
    this.changed("key", key.id);
    return toKeyRecord(row);
  }

  async revokeKeyById(id: string, reason: string | null, at: Date = new Date()): Promise<KeyRecord> {
    // Conditional on "not yet revoked", so of concurrent revocations one wins and keeps its reason.
    const result = await this.prisma.publicKey.updateMany({
      where: { id, revokedAt: null },
      data: { revokedAt: at, revokedReason: reason?.slice(0, maxRevokedReasonLength) ?? null },
    });
    if (result.count === 0) {
      await this.findKeyById(id);
      throw new DirectoryError("conflict", "the key is already revoked");
    }
    this.changed("key", id);
    return this.findKeyById(id);
  }

  async removeKey(fingerprintSha256: string): Promise<KeyRecord> {
    const key = await this.findKey(fingerprintSha256);
    return this.removeKeyById(key.id);
  }

  async removeKeyById(id: string): Promise<KeyRecord> {
    let row;
    try {
      row = await this.prisma.publicKey.delete({ where: { id }, include: { user: true } });
    } catch (error) {
      if ((error as { code?: unknown }).code === "P2025") throw new DirectoryError("not_found", "no such key");
      throw error;
    }
    this.changed("key", id);
    return toKeyRecord(row);
  }
}

/** Each state as a condition on the row (core/key-state.ts keyStatus, in SQL). */
function statusCondition(status: KeyStatus, now: Date): object {
  const unexpired = { OR: [{ expiresAt: null }, { expiresAt: { gt: now } }] };
  switch (status) {
    case "revoked":
      return { revokedAt: { not: null } };
    case "expired":
      return { revokedAt: null, expiresAt: { lte: now } };
    case "unverified":
      return { revokedAt: null, unverified: true, ...unexpired };
    case "active":
      return { revokedAt: null, unverified: false, ...unexpired };
  }
}

const sortFields: Record<KeySortColumn, string> = {
  created: "createdAt",
  lastUsed: "lastUsedAt",
  expires: "expiresAt",
  uses: "useCount",
  comment: "comment",
  type: "type",
  bits: "bits",
  user: "username",
};

/** A condition on the sort column: the owner's name lives on the user row. */
function onSortColumn(column: KeySortColumn, condition: unknown): object {
  return column === "user" ? { user: { username: condition } } : { [sortFields[column]]: condition };
}

/** ORDER BY the column (nulls last either way, as core/key-sort.ts orders), then id. */
function sortOrder({ column, order }: KeySort): object[] {
  const by = nullableSortColumns.has(column) ? { sort: order, nulls: "last" } : order;
  return [onSortColumn(column, by), { id: order }];
}

/** Rows after `after` in the sort: a later value, the same value and a later id, or (for a value) any null. */
function afterPosition({ column, order }: KeySort, after: KeySortPosition): object {
  const op = order === "asc" ? "gt" : "lt";
  const nullable = nullableSortColumns.has(column);
  const value = nullable || column === "created" ? (after.value === null ? null : new Date(after.value as number)) : after.value;
  if (value === null) return { AND: [onSortColumn(column, null), { id: { [op]: after.id } }] };
  return {
    OR: [
      onSortColumn(column, { [op]: value }),
      { AND: [onSortColumn(column, value), { id: { [op]: after.id } }] },
      ...(nullable ? [onSortColumn(column, null)] : []),
    ],
  };
}

/** The columns a key's scopes and rate limit are stored in. */
interface LimitColumns {
  scopes?: string | null;
  rateLimitCount?: number | null;
  rateLimitWindowSeconds?: number | null;
}

function limitColumns(limits: { scopes?: readonly string[] | null; rateLimit?: KeyRateLimit | null }): LimitColumns {
  const columns: LimitColumns = {};
  if (limits.scopes !== undefined) columns.scopes = scopesColumn(limits.scopes);
  if (limits.rateLimit !== undefined) {
    columns.rateLimitCount = limits.rateLimit?.count ?? null;
    columns.rateLimitWindowSeconds = limits.rateLimit?.windowSeconds ?? null;
  }
  return columns;
}

/** A rate limit as stored: both columns or neither. */
export function rateLimitOfColumns(row: { rateLimitCount: number | null; rateLimitWindowSeconds: number | null }): KeyRateLimit | null {
  return row.rateLimitCount === null || row.rateLimitWindowSeconds === null ? null : { count: row.rateLimitCount, windowSeconds: row.rateLimitWindowSeconds };
}

/** A PublicKey row as Prisma returns it with `include: { user: true }`. */
type KeyRowWithUser = Omit<KeyRecord, "username" | "signCounter" | "origin" | "scopes" | "rateLimit"> & {
  user: { username: string };
  origin: string;
  crtauthFingerprint?: string | null;
  signCounter: bigint | null;
  scopes: string | null;
  rateLimitCount: number | null;
  rateLimitWindowSeconds: number | null;
};

function toKeyRecord(row: KeyRowWithUser): KeyRecord {
  const { user, crtauthFingerprint: _ignored, signCounter, origin, scopes, rateLimitCount, rateLimitWindowSeconds, ...rest } = row;
  return {
    ...rest,
    origin: origin as KeyOrigin,
    // A uint32 always fits a number.
    signCounter: signCounter === null ? null : Number(signCounter),
    scopes: scopesOfColumn(scopes),
    rateLimit: rateLimitOfColumns({ rateLimitCount, rateLimitWindowSeconds }),
    username: user.username,
  };
}

/** The column holds only what addUser writes. */
function withOrigin<Row extends { origin: string }>(row: Row): Row & { origin: UserOrigin } {
  return row as Row & { origin: UserOrigin };
}
