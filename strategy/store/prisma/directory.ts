import { parseKeyPaste, type KeyPolicyOptions } from "../../keys/index.js";
import { looksLikePrivateKey, privateKeyError } from "../../keys/formats/private-key.js";
import { rsaMaxBitsOf } from "../../keys/policy.js";
import type { ParsedPublicKey } from "../../keys/types.js";
import type { Prisma } from "./client.js";
import { usernameProblem, usernameSkeleton } from "./usernames.js";

/** A management operation refused because of its input or the current state. */
export class DirectoryError extends Error {
  override readonly name = "DirectoryError";
  constructor(
    readonly code: "not_found" | "conflict" | "invalid" | "too_many_keys" | "confusable",
    message: string,
    /** For a key already stored: whose it is (for administrators only; see the admin key routes). */
    readonly holder?: { userId: string; username: string },
  ) {
    super(message);
  }
}

export interface UserRecord {
  id: string;
  username: string;
  isAdmin: boolean;
  disabled: boolean;
  createdAt: Date;
}

export interface KeyRecord {
  id: string;
  userId: string;
  username: string;
  type: string;
  bits: number;
  openssh: string;
  fingerprintSha256: string;
  fingerprintMd5: string;
  kid: string;
  comment: string;
  createdAt: Date;
  expiresAt: Date | null;
  lastUsedAt: Date | null;
  lastUsedIp: string | null;
  lastUsedScheme: string | null;
  useCount: number;
  revokedAt: Date | null;
  revokedReason: string | null;
}

/**
 * Every stored key of a user is a candidate for a credential that names only the user,
 * so the number of keys bounds the work one junk credential can cause.
 */
export const defaultMaxKeysPerUser = 50;

export interface DirectoryOptions {
  /** What the key codec accepts (the RSA ceiling); the key store must be given the same. */
  keyPolicy?: KeyPolicyOptions;
  /** Keys one user may hold, revoked and expired ones included (default 50). */
  maxKeysPerUser?: number;
}

/** A key's comment is shown to every administrator: a private key must never become one. */
function checkComment(comment: string | undefined): void {
  if (comment !== undefined && looksLikePrivateKey(comment)) throw new DirectoryError("invalid", privateKeyError().message);
}

/** Notified after a key or user changes, so caches elsewhere can drop what they hold. */
export type ChangeListener = (change: { kind: "key" | "user"; id: string }) => void;

/** The write side of users and keys, shared by the CLI and the admin API. */
export class PrismaDirectory {
  private readonly listeners: ChangeListener[] = [];
  readonly keyPolicy: Readonly<KeyPolicyOptions>;
  readonly maxKeysPerUser: number;

  constructor(
    private readonly prisma: Prisma,
    options: DirectoryOptions = {},
  ) {
    const checked = PrismaDirectory.checkOptions(options);
    this.keyPolicy = Object.freeze({ rsaMaxBits: checked.rsaMaxBits });
    this.maxKeysPerUser = checked.maxKeysPerUser;
  }

  /** The options with defaults applied; throws TypeError for a bad value (before any database work). */
  static checkOptions(options: DirectoryOptions): { rsaMaxBits: number; maxKeysPerUser: number } {
    const maxKeysPerUser = options.maxKeysPerUser ?? defaultMaxKeysPerUser;
    if (!Number.isSafeInteger(maxKeysPerUser) || maxKeysPerUser < 1) {
      throw new TypeError(`maxKeysPerUser must be a positive integer, got ${String(maxKeysPerUser)}`);
    }
    return { rsaMaxBits: rsaMaxBitsOf(options.keyPolicy), maxKeysPerUser };
  }

  onChange(listener: ChangeListener): void {
    this.listeners.push(listener);
  }

  private changed(kind: "key" | "user", id: string): void {
    for (const listener of this.listeners) listener({ kind, id });
  }

  async addUser(username: string, options: { isAdmin?: boolean } = {}): Promise<UserRecord> {
    const problem = usernameProblem(username);
    if (problem) throw new DirectoryError(problem.code, problem.message);
    if (await this.prisma.user.findUnique({ where: { username } })) {
      throw new DirectoryError("conflict", `user ${username} already exists`);
    }
    // A scan, not an index: creating users is rare and admin-only, and the skeleton rules
    // may grow without a migration.
    const skeleton = usernameSkeleton(username);
    const lookalike = (await this.prisma.user.findMany({ select: { username: true } })).find((u) => usernameSkeleton(u.username) === skeleton);
    if (lookalike) throw new DirectoryError("confusable", `the username looks like the existing user ${lookalike.username}; choose another`);
    const user = await this.prisma.user.create({ data: { username, isAdmin: options.isAdmin ?? false } });
    // Caches may hold "no such user" for this name.
    this.changed("user", user.id);
    return user;
  }

  async findUser(username: string): Promise<UserRecord> {
    const user = await this.prisma.user.findUnique({ where: { username } });
    if (!user) throw new DirectoryError("not_found", `no user ${username}`);
    return user;
  }

  listUsers(): Promise<UserRecord[]> {
    return this.prisma.user.findMany({ orderBy: { username: "asc" } });
  }

  async setUserFlags(username: string, flags: { isAdmin?: boolean | undefined; disabled?: boolean | undefined }): Promise<UserRecord> {
    const user = await this.findUser(username);
    const data: { isAdmin?: boolean; disabled?: boolean } = {};
    if (flags.isAdmin !== undefined) data.isAdmin = flags.isAdmin;
    if (flags.disabled !== undefined) data.disabled = flags.disabled;
    const updated = await this.prisma.user.update({ where: { id: user.id }, data });
    this.changed("user", user.id);
    return updated;
  }

  /** Deletes a user with their keys and console sessions; their log events stay, without the link. */
  async removeUser(username: string): Promise<{ user: UserRecord; keyCount: number }> {
    const user = await this.findUser(username);
    const keyCount = await this.prisma.publicKey.count({ where: { userId: user.id } });
    await this.prisma.user.delete({ where: { id: user.id } });
    this.changed("user", user.id);
    return { user, keyCount };
  }

  /** Stores one public key for `username`. The key text may be in any format the codec reads. */
  async addKey(
    username: string,
    text: string,
    options: { comment?: string | undefined; expiresAt?: Date | null | undefined } = {},
  ): Promise<KeyRecord> {
    const user = await this.findUser(username);
    const entries = parseKeyPaste(text, this.keyPolicy);
    if (entries.length !== 1) {
      throw new DirectoryError("invalid", entries.length === 0 ? "no public key found" : `expected one key, found ${entries.length}`);
    }
    const entry = entries[0]!;
    if (!entry.ok) throw new DirectoryError("invalid", entry.problem.message);
    return this.insertKey(user.id, entry.key, options);
  }

  async insertKey(
    userId: string,
    key: ParsedPublicKey,
    options: { comment?: string | undefined; expiresAt?: Date | null | undefined },
  ): Promise<KeyRecord> {
    return (await this.insertKeys(userId, [key], options))[0]!;
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

  async findKey(fingerprintSha256: string): Promise<KeyRecord> {
    const normalised = fingerprintSha256.startsWith("SHA256:") ? fingerprintSha256 : `SHA256:${fingerprintSha256}`;
    const row = await this.prisma.publicKey.findUnique({ where: { fingerprintSha256: normalised }, include: { user: true } });
    if (!row) throw new DirectoryError("not_found", `no key with fingerprint ${normalised}`);
    return toKeyRecord(row);
  }

  async revokeKey(fingerprintSha256: string, reason?: string): Promise<KeyRecord> {
    const key = await this.findKey(fingerprintSha256);
    if (key.revokedAt) return key;
    const row = await this.prisma.publicKey.update({
      where: { id: key.id },
      data: { revokedAt: new Date(), revokedReason: reason?.slice(0, 500) ?? null },
      include: { user: true },
    });
    this.changed("key", key.id);
    return toKeyRecord(row);
  }

  /** Stores several parsed keys for one user, all or none (the admin API's multi-key paste). */
  async insertKeys(
    userId: string,
    keys: ParsedPublicKey[],
    options: { comment?: string | undefined; expiresAt?: Date | null | undefined } = {},
  ): Promise<KeyRecord[]> {
    checkComment(options.comment);
    // Keys parsed elsewhere (publicKeyFromKeyObject allows up to 16384 bits) meet this store's policy too.
    const oversized = keys.find((k) => k.type === "ssh-rsa" && k.bits > (this.keyPolicy.rsaMaxBits ?? 0));
    if (oversized) throw new DirectoryError("invalid", `This RSA key has ${oversized.bits} bits; at most ${this.keyPolicy.rsaMaxBits} are accepted.`);
    const fingerprints = keys.map((k) => k.fingerprintSha256);
    if (new Set(fingerprints).size !== fingerprints.length) throw new DirectoryError("conflict", "the same key appears twice");
    const existing = await this.prisma.publicKey.findFirst({ where: { fingerprintSha256: { in: fingerprints } }, include: { user: true } });
    if (existing) {
      throw new DirectoryError("conflict", `key ${existing.fingerprintSha256} is already registered to ${existing.user.username}`, {
        userId: existing.userId,
        username: existing.user.username,
      });
    }
    // Checked before the insert, not under a lock: concurrent adds for one user may pass
    // it together, which overshoots the limit by at most the number of racing requests.
    const held = await this.prisma.publicKey.count({ where: { userId } });
    if (held + keys.length > this.maxKeysPerUser) {
      throw new DirectoryError(
        "too_many_keys",
        `a user may hold at most ${this.maxKeysPerUser} keys (this one holds ${held}); delete unused or revoked keys first`,
      );
    }
    try {
      const rows = await this.prisma.$transaction(
        keys.map((key) =>
          this.prisma.publicKey.create({
            data: {
              userId,
              type: key.type,
              bits: key.bits,
              openssh: key.openssh,
              fingerprintSha256: key.fingerprintSha256,
              fingerprintMd5: key.fingerprintMd5,
              kid: key.kid,
              crtauthFingerprint: key.crtauthFingerprint,
              comment: (options.comment || key.comment).slice(0, 200),
              expiresAt: options.expiresAt ?? null,
            },
            include: { user: true },
          }),
        ),
      );
      for (const row of rows) this.changed("key", row.id);
      return rows.map(toKeyRecord);
    } catch (error) {
      if ((error as { code?: unknown }).code === "P2002") throw new DirectoryError("conflict", "a key in this paste is already registered");
      throw error;
    }
  }

  /** Changes a key's comment and/or expiry by id. */
  async updateKeyById(id: string, changes: { comment?: string | undefined; expiresAt?: Date | null | undefined }): Promise<KeyRecord> {
    checkComment(changes.comment);
    const data: { comment?: string; expiresAt?: Date | null } = {};
    if (changes.comment !== undefined) data.comment = changes.comment.slice(0, 200);
    if (changes.expiresAt !== undefined) data.expiresAt = changes.expiresAt;
    const result = await this.prisma.publicKey.updateMany({ where: { id }, data });
    if (result.count === 0) throw new DirectoryError("not_found", "no such key");
    this.changed("key", id);
    return this.findKeyById(id);
  }

  async findKeyById(id: string): Promise<KeyRecord> {
    const row = await this.prisma.publicKey.findUnique({ where: { id }, include: { user: true } });
    if (!row) throw new DirectoryError("not_found", "no such key");
    return toKeyRecord(row);
  }

  /** Revokes by id; only a key not yet revoked changes (an already revoked key is a conflict). */
  async revokeKeyById(id: string, reason: string | null, at: Date = new Date()): Promise<KeyRecord> {
    const result = await this.prisma.publicKey.updateMany({
      where: { id, revokedAt: null },
      data: { revokedAt: at, revokedReason: reason?.slice(0, 500) ?? null },
    });
    if (result.count === 0) {
      await this.findKeyById(id);
      throw new DirectoryError("conflict", "the key is already revoked");
    }
    this.changed("key", id);
    return this.findKeyById(id);
  }

  async removeKeyById(id: string): Promise<void> {
    const result = await this.prisma.publicKey.deleteMany({ where: { id } });
    if (result.count === 0) throw new DirectoryError("not_found", "no such key");
    this.changed("key", id);
  }

  async removeKey(fingerprintSha256: string): Promise<KeyRecord> {
    const key = await this.findKey(fingerprintSha256);
    await this.prisma.publicKey.delete({ where: { id: key.id } });
    this.changed("key", key.id);
    return key;
  }
}

/** A PublicKey row as Prisma returns it with `include: { user: true }`. */
export type KeyRowWithUser = Omit<KeyRecord, "username"> & { user: { username: string } };

function toKeyRecord(row: KeyRowWithUser): KeyRecord {
  const { user, crtauthFingerprint: _ignored, ...rest } = row as typeof row & { crtauthFingerprint?: unknown };
  return { ...rest, username: user.username };
}

