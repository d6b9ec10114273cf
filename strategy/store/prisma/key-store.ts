import { parsePublicKey } from "../../keys/index.js";
import type { ParsedPublicKey } from "../../keys/types.js";
import type { KeyCandidate, KeyStore, StoredKey, StoredUser } from "../ports.js";
import type { Prisma } from "./client.js";

interface KeyRow {
  id: string;
  userId: string;
  openssh: string;
  comment: string;
  createdAt: Date;
  expiresAt: Date | null;
  revokedAt: Date | null;
}

interface UserRow {
  id: string;
  username: string;
  isAdmin: boolean;
  disabled: boolean;
  createdAt?: Date;
  updatedAt?: Date;
}

export function toStoredUser(row: UserRow): StoredUser {
  const user: StoredUser = { id: row.id, username: row.username, isAdmin: row.isAdmin, disabled: row.disabled };
  // Both stamps are written at creation; only a later update (more than the second they can
  // differ by) is a change crtauth must honour.
  if (row.createdAt && row.updatedAt && row.updatedAt.getTime() - row.createdAt.getTime() >= 1000) user.changedAt = row.updatedAt;
  return user;
}

/**
 * Parsing a key and importing it into node:crypto costs far more than the row lookup,
 * and a stored key's text never changes, so parsed keys are kept by their text.
 */
export class ParsedKeyCache {
  private readonly entries = new Map<string, ParsedPublicKey>();
  constructor(private readonly capacity = 10_000) {}

  get(openssh: string): ParsedPublicKey {
    const hit = this.entries.get(openssh);
    if (hit) {
      this.entries.delete(openssh);
      this.entries.set(openssh, hit);
      return hit;
    }
    const parsed = parsePublicKey(openssh);
    this.entries.set(openssh, parsed);
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
    return parsed;
  }
}

/**
 * Can `value` name a row? PostgreSQL text cannot hold NUL (the query fails, i.e. a 500), and no
 * stored kid, fingerprint or username contains one, so such a lookup has no answer on either
 * database and is not sent.
 */
function nameable(value: string): boolean {
  return !value.includes("\u0000");
}

/** KeyStore over Prisma: one indexed query per lookup. */
export class PrismaKeyStore implements KeyStore {
  constructor(
    private readonly prisma: Prisma,
    private readonly parsed = new ParsedKeyCache(),
  ) {}

  private toStoredKey(row: KeyRow): StoredKey {
    return {
      id: row.id,
      userId: row.userId,
      comment: row.comment,
      createdAt: row.createdAt,
      expiresAt: row.expiresAt,
      revokedAt: row.revokedAt,
      parsed: this.parsed.get(row.openssh),
    };
  }

  async findByKid(kid: string): Promise<KeyCandidate | null> {
    if (!nameable(kid)) return null;
    const row = await this.prisma.publicKey.findUnique({ where: { kid }, include: { user: true } });
    return row ? { key: this.toStoredKey(row), user: toStoredUser(row.user) } : null;
  }

  async findByFingerprint(fingerprintSha256: string): Promise<KeyCandidate | null> {
    if (!nameable(fingerprintSha256)) return null;
    const row = await this.prisma.publicKey.findUnique({ where: { fingerprintSha256 }, include: { user: true } });
    return row ? { key: this.toStoredKey(row), user: toStoredUser(row.user) } : null;
  }

  async findByUsername(username: string): Promise<{ user: StoredUser; keys: StoredKey[] } | null> {
    if (!nameable(username)) return null;
    const row = await this.prisma.user.findUnique({
      where: { username },
      include: { keys: { orderBy: { createdAt: "desc" } } },
    });
    return row ? { user: toStoredUser(row), keys: row.keys.map((k) => this.toStoredKey(k)) } : null;
  }
}
