// Key lookups on the hot path's driver connection: every authentication without a cached key
// reads here, and through Prisma the first lookup alone loaded its client and query compiler.
import type { KeyCandidate, KeyStore, StoredKey, StoredUser } from "../ports.js";
import { nameable, ParsedKeyCache, toStoredUser } from "../parsed-key-cache.js";
import { scopesOfColumn } from "../../core/key-limits.js";
import { rateLimitOfColumns } from "../prisma/directory.js";
import { instant, type SqlDriver } from "./driver.js";

type Instant = Date | string | number | null;
type Flag = boolean | number;

interface KeyRow {
  id: string;
  userId: string;
  openssh: string;
  comment: string;
  createdAt: Instant;
  expiresAt: Instant;
  revokedAt: Instant;
  lastUsedAt: Instant;
  touchRequired: Flag;
  verifyRequired: Flag;
  sshOptions: string | null;
  unverified: Flag;
  scopes: string | null;
  rateLimitCount: number | null;
  rateLimitWindowSeconds: number | null;
  failedAttempts: number;
  lockedUntil: Instant;
}

interface UserRow {
  id: string;
  username: string;
  isAdmin: Flag;
  disabled: Flag;
  requireUserVerification: Flag;
  createdAt: Instant;
  updatedAt: Instant;
}

const keyColumns = (d: SqlDriver, k: string) =>
  `${k}."id", ${k}."userId", ${k}."openssh", ${k}."comment", ${d.time(`${k}."createdAt"`)} AS "createdAt", ${d.time(`${k}."expiresAt"`)} AS "expiresAt",
   ${d.time(`${k}."revokedAt"`)} AS "revokedAt", ${d.time(`${k}."lastUsedAt"`)} AS "lastUsedAt", ${k}."touchRequired", ${k}."verifyRequired", ${k}."sshOptions",
   ${k}."unverified", ${k}."scopes", ${k}."rateLimitCount", ${k}."rateLimitWindowSeconds", ${k}."failedAttempts", ${d.time(`${k}."lockedUntil"`)} AS "lockedUntil"`;

// Prefixed so one joined row holds both without a name clash.
const userColumns = (d: SqlDriver, u: string, prefix = "") =>
  `${u}."id" AS "${prefix}id", ${u}."username" AS "${prefix}username", ${u}."isAdmin" AS "${prefix}isAdmin", ${u}."disabled" AS "${prefix}disabled",
   ${u}."requireUserVerification" AS "${prefix}requireUserVerification", ${d.time(`${u}."createdAt"`)} AS "${prefix}createdAt", ${d.time(`${u}."updatedAt"`)} AS "${prefix}updatedAt"`;

function user(row: UserRow): StoredUser {
  return toStoredUser({
    id: row.id,
    username: row.username,
    isAdmin: Boolean(row.isAdmin),
    disabled: Boolean(row.disabled),
    requireUserVerification: Boolean(row.requireUserVerification),
    createdAt: instant(row.createdAt)!,
    updatedAt: instant(row.updatedAt)!,
  });
}

function joinedUser(row: Record<string, unknown>): UserRow {
  const picked: Record<string, unknown> = {};
  for (const name of ["id", "username", "isAdmin", "disabled", "requireUserVerification", "createdAt", "updatedAt"]) picked[name] = row[`u_${name}`];
  return picked as unknown as UserRow;
}

/** KeyStore over SQL: one indexed query per lookup, the same rows PrismaDirectory writes. */
export class SqlKeyStore implements KeyStore {
  private readonly byKid: string;
  private readonly byFingerprint: string;
  private readonly userByName: string;
  private readonly keysOfUser: string;

  constructor(
    private readonly db: SqlDriver,
    private readonly parsed = new ParsedKeyCache(),
  ) {
    const joined = `SELECT ${keyColumns(db, "k")}, ${userColumns(db, "u", "u_")} FROM "PublicKey" k JOIN "User" u ON u."id" = k."userId"`;
    this.byKid = `${joined} WHERE k."kid" = ?`;
    this.byFingerprint = `${joined} WHERE k."fingerprintSha256" = ?`;
    this.userByName = `SELECT ${userColumns(db, "u")} FROM "User" u WHERE u."username" = ?`;
    this.keysOfUser = `SELECT ${keyColumns(db, "k")} FROM "PublicKey" k WHERE k."userId" = ? ORDER BY k."createdAt" DESC`;
  }

  /** The row as a candidate key, or null when the codec refuses its key text. */
  private toStoredKey(row: KeyRow): StoredKey | null {
    const parsed = this.parsed.get(row.openssh);
    if (!parsed) return null;
    return {
      id: row.id,
      userId: row.userId,
      comment: row.comment,
      createdAt: instant(row.createdAt)!,
      expiresAt: instant(row.expiresAt),
      revokedAt: instant(row.revokedAt),
      lastUsedAt: instant(row.lastUsedAt),
      parsed,
      touchRequired: Boolean(row.touchRequired),
      verifyRequired: Boolean(row.verifyRequired),
      sshOptions: row.sshOptions,
      unverified: Boolean(row.unverified),
      // Ride with the cached row: a key without limits costs no read per request.
      scopes: scopesOfColumn(row.scopes),
      rateLimit: rateLimitOfColumns(row),
      failedAttempts: row.failedAttempts,
      lockedUntil: instant(row.lockedUntil),
    };
  }

  private async candidate(sql: string, value: string): Promise<KeyCandidate | null> {
    const [row] = await this.db.rows<KeyRow & Record<string, unknown>>(sql, [value]);
    const key = row && this.toStoredKey(row);
    return row && key ? { key, user: user(joinedUser(row)) } : null;
  }

  async findByKid(kid: string): Promise<KeyCandidate | null> {
    return nameable(kid) ? this.candidate(this.byKid, kid) : null;
  }

  async findByFingerprint(fingerprintSha256: string): Promise<KeyCandidate | null> {
    return nameable(fingerprintSha256) ? this.candidate(this.byFingerprint, fingerprintSha256) : null;
  }

  async findByUsername(username: string): Promise<{ user: StoredUser; keys: StoredKey[] } | null> {
    if (!nameable(username)) return null;
    const [row] = await this.db.rows<UserRow>(this.userByName, [username]);
    if (!row) return null;
    const keys = (await this.db.rows<KeyRow>(this.keysOfUser, [row.id])).map((k) => this.toStoredKey(k)).filter((k): k is StoredKey => k !== null);
    return { user: user(row), keys };
  }

  async advanceSignCounter(keyId: string, counter: number): Promise<boolean> {
    // One conditional UPDATE: of racing processes each writes only over a smaller counter, so
    // the row ends at the largest, and a counter that is not larger changes nothing (rule: signCounterAdvances).
    // A first counter of 0 is taken once (over NULL or an equal 0), as the Prisma port did.
    const older = counter === 0 ? `("signCounter" IS NULL OR "signCounter" = 0)` : `("signCounter" IS NULL OR "signCounter" < ?)`;
    const params = counter === 0 ? [counter, keyId] : [counter, keyId, counter];
    return (await this.db.changes(`UPDATE "PublicKey" SET "signCounter" = ? WHERE "id" = ? AND ${older}`, params)) === 1;
  }
}
