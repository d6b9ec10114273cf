import type { ParsedPublicKey } from "../../keys/types.js";
import {
  alreadyRegistered,
  changedOptions,
  checkComment,
  checkDirectoryOptions,
  checkKeyCount,
  checkNewKeys,
  checkNewUsername,
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
  type KeyPageQuery,
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
import { DirectoryBase } from "../directory/directory-base.js";
import type { Provider } from "./database-url.js";

const userColumns = { id: true, username: true, isAdmin: true, disabled: true, requireUserVerification: true, createdAt: true, origin: true } as const;

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
    const data: { isAdmin?: boolean; disabled?: boolean; requireUserVerification?: boolean } = {};
    if (flags.isAdmin !== undefined) data.isAdmin = flags.isAdmin;
    if (flags.disabled !== undefined) data.disabled = flags.disabled;
    if (flags.requireUserVerification !== undefined) data.requireUserVerification = flags.requireUserVerification;
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
        keys.map((key) => this.prisma.publicKey.create({ data: { userId, ...newKeyFields(key, options) }, include: { user: true } })),
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

  async pageKeys(query: KeyPageQuery): Promise<Page<KeyRecord>> {
    const and: object[] = [];
    if (query.userId !== undefined) and.push({ userId: query.userId });
    if (query.status === "revoked") and.push({ revokedAt: { not: null } });
    if (query.status === "active") and.push({ revokedAt: null, unverified: false, OR: [{ expiresAt: null }, { expiresAt: { gt: query.now } }] });
    if (query.status === "unverified") and.push({ revokedAt: null, unverified: true, OR: [{ expiresAt: null }, { expiresAt: { gt: query.now } }] });
    if (query.status === "expired") and.push({ revokedAt: null, expiresAt: { lte: query.now } });
    if (query.q) {
      const contains = { contains: query.q, ...this.insensitive };
      and.push({
        OR: [
          { comment: contains },
          { fingerprintSha256: contains },
          { fingerprintMd5: contains },
          { kid: { startsWith: query.q.toLowerCase() } },
          { type: contains },
          ...(query.searchUsernames ? [{ user: { username: contains } }] : []),
        ],
      });
    }
    if (query.after) {
      const at = query.after.createdAt;
      and.push({ OR: [{ createdAt: { lt: at } }, { createdAt: at, id: { lt: query.after.id } }] });
    }
    const rows = await this.prisma.publicKey.findMany({
      where: { AND: and } as never,
      include: { user: true },
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      take: query.limit + 1,
    });
    return { items: rows.slice(0, query.limit).map(toKeyRecord), more: rows.length > query.limit };
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
    const data: { comment?: string; expiresAt?: Date | null; sshOptions?: string | null } = {};
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

/** A PublicKey row as Prisma returns it with `include: { user: true }`. */
type KeyRowWithUser = Omit<KeyRecord, "username" | "signCounter" | "origin"> & {
  user: { username: string };
  origin: string;
  crtauthFingerprint?: string | null;
  signCounter: bigint | null;
};

function toKeyRecord(row: KeyRowWithUser): KeyRecord {
  const { user, crtauthFingerprint: _ignored, signCounter, origin, ...rest } = row;
  // A uint32 always fits a number.
  return { ...rest, origin: origin as KeyOrigin, signCounter: signCounter === null ? null : Number(signCounter), username: user.username };
}

/** The column holds only what addUser writes. */
function withOrigin<Row extends { origin: string }>(row: Row): Row & { origin: UserOrigin } {
  return row as Row & { origin: UserOrigin };
}
