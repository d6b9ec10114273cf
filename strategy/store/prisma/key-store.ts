import type { KeyCandidate, KeyStore, StoredKey, StoredUser } from "../ports.js";
import { nameable, ParsedKeyCache, toStoredUser, type UserRow } from "../parsed-key-cache.js";
import type { Prisma } from "./client.js";
import { scopesOfColumn } from "../../core/key-limits.js";
import { rateLimitOfColumns } from "./directory.js";

interface KeyRow {
  id: string;
  userId: string;
  openssh: string;
  comment: string;
  createdAt: Date;
  expiresAt: Date | null;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
  touchRequired: boolean;
  verifyRequired: boolean;
  sshOptions: string | null;
  unverified: boolean;
  scopes: string | null;
  rateLimitCount: number | null;
  rateLimitWindowSeconds: number | null;
  failedAttempts: number;
  lockedUntil: Date | null;
}

/** KeyStore over Prisma: one indexed query per lookup. */
export class PrismaKeyStore implements KeyStore {
  constructor(
    private readonly prisma: Prisma,
    private readonly parsed = new ParsedKeyCache(),
  ) {}

  /** The row as a candidate key, or null when the codec refuses its key text. */
  private toStoredKey(row: KeyRow): StoredKey | null {
    const parsed = this.parsed.get(row.openssh);
    if (!parsed) return null;
    return {
      id: row.id,
      userId: row.userId,
      comment: row.comment,
      createdAt: row.createdAt,
      expiresAt: row.expiresAt,
      revokedAt: row.revokedAt,
      lastUsedAt: row.lastUsedAt,
      parsed,
      touchRequired: row.touchRequired,
      verifyRequired: row.verifyRequired,
      sshOptions: row.sshOptions,
      unverified: row.unverified,
      // Ride with the cached row: a key without limits costs no read per request.
      scopes: scopesOfColumn(row.scopes),
      rateLimit: rateLimitOfColumns(row),
      failedAttempts: row.failedAttempts,
      lockedUntil: row.lockedUntil,
    };
  }

  private toCandidate(row: (KeyRow & { user: UserRow }) | null): KeyCandidate | null {
    const key = row && this.toStoredKey(row);
    return row && key ? { key, user: toStoredUser(row.user) } : null;
  }

  async findByKid(kid: string): Promise<KeyCandidate | null> {
    if (!nameable(kid)) return null;
    return this.toCandidate(await this.prisma.publicKey.findUnique({ where: { kid }, include: { user: true } }));
  }

  async findByFingerprint(fingerprintSha256: string): Promise<KeyCandidate | null> {
    if (!nameable(fingerprintSha256)) return null;
    return this.toCandidate(await this.prisma.publicKey.findUnique({ where: { fingerprintSha256 }, include: { user: true } }));
  }

  async findByUsername(username: string): Promise<{ user: StoredUser; keys: StoredKey[] } | null> {
    if (!nameable(username)) return null;
    const row = await this.prisma.user.findUnique({
      where: { username },
      include: { keys: { orderBy: { createdAt: "desc" } } },
    });
    if (!row) return null;
    const keys = row.keys.map((k) => this.toStoredKey(k)).filter((k): k is StoredKey => k !== null);
    return { user: toStoredUser(row), keys };
  }

  async advanceSignCounter(keyId: string, counter: number): Promise<boolean> {
    // One conditional UPDATE: of racing processes each writes only over a smaller counter, so
    // the row ends at the largest, and a counter that is not larger changes nothing (rule: signCounterAdvances).
    const next = BigInt(counter);
    const older = counter === 0 ? [{ signCounter: null }, { signCounter: 0n }] : [{ signCounter: null }, { signCounter: { lt: next } }];
    const result = await this.prisma.publicKey.updateMany({ where: { id: keyId, OR: older }, data: { signCounter: next } });
    return result.count === 1;
  }
}
