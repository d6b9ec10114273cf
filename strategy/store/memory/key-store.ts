import type { KeyCandidate, KeyStore, StoredKey, StoredUser } from "../ports.js";
import { ParsedKeyCache, toStoredUser } from "../parsed-key-cache.js";
import { newestFirst, signCounterAdvances } from "../directory/rules.js";
import type { KeyRow, MemoryTables } from "./tables.js";

/** KeyStore over MemoryTables: keys in every state, a user's newest first, as the Prisma one answers. */
export class MemoryKeyStore implements KeyStore {
  constructor(
    private readonly tables: MemoryTables,
    private readonly parsed: ParsedKeyCache,
  ) {}

  private storedKey(row: KeyRow): StoredKey | null {
    const parsed = this.parsed.get(row.openssh);
    if (!parsed) return null;
    const { id, userId, comment, createdAt, expiresAt, revokedAt, lastUsedAt, touchRequired, verifyRequired, sshOptions, unverified } = row;
    const { scopes, rateLimit, failedAttempts, lockedUntil } = row;
    return {
      ...{ id, userId, comment, createdAt, expiresAt, revokedAt, lastUsedAt, parsed, touchRequired, verifyRequired, sshOptions, unverified },
      ...{ scopes, rateLimit, failedAttempts, lockedUntil },
    };
  }

  private user(userId: string): StoredUser {
    return toStoredUser(this.tables.users.get(userId)!);
  }

  private candidate(row: KeyRow | undefined): KeyCandidate | null {
    const key = row && this.storedKey(row);
    return key ? { key, user: this.user(key.userId) } : null;
  }

  async findByKid(kid: string): Promise<KeyCandidate | null> {
    return this.candidate([...this.tables.keys.values()].find((k) => k.kid === kid));
  }

  async findByFingerprint(fingerprintSha256: string): Promise<KeyCandidate | null> {
    return this.candidate([...this.tables.keys.values()].find((k) => k.fingerprintSha256 === fingerprintSha256));
  }

  async findByUsername(username: string): Promise<{ user: StoredUser; keys: StoredKey[] } | null> {
    const user = this.tables.userNamed(username);
    if (!user) return null;
    const keys = [...this.tables.keys.values()]
      .filter((k) => k.userId === user.id)
      .sort(newestFirst)
      .map((k) => this.storedKey(k))
      .filter((k): k is StoredKey => k !== null);
    return { user: toStoredUser(user), keys };
  }

  async advanceSignCounter(keyId: string, counter: number): Promise<boolean> {
    const row = this.tables.keys.get(keyId);
    if (!row) return false;
    const advanced = signCounterAdvances(row.signCounter, counter);
    if (advanced) row.signCounter = counter;
    return advanced;
  }
}
