import { isKeyFormatError, parsePublicKey, type KeyPolicyOptions } from "../../keys/index.js";
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
 * A row the codec now refuses (a small-order Ed25519 point stored before the check
 * existed, an RSA modulus outside the policy) is cached as refused: it is never a
 * candidate, so no signature is ever checked against it.
 */
export class ParsedKeyCache {
  private readonly entries = new Map<string, ParsedPublicKey | null>();
  constructor(
    private readonly capacity = 10_000,
    private readonly policy: KeyPolicyOptions = {},
  ) {}

  get(openssh: string): ParsedPublicKey | null {
    const hit = this.entries.get(openssh);
    if (hit !== undefined) {
      this.entries.delete(openssh);
      this.entries.set(openssh, hit);
      return hit;
    }
    const parsed = parseStored(openssh, this.policy);
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

function parseStored(openssh: string, policy: KeyPolicyOptions): ParsedPublicKey | null {
  try {
    return parsePublicKey(openssh, policy);
  } catch (error) {
    if (isKeyFormatError(error)) return null;
    throw error;
  }
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
      parsed,
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
}
