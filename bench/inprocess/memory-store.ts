// An in-memory StrategyStore (KeyStore + ReplayStore + EventSink): the strategy's hot path
// without a database, so in-process numbers show verification + policy alone.
import type {
  AuthEventRecord,
  EventSink,
  KeyCandidate,
  KeyStore,
  ParsedPublicKey,
  ReplayStore,
  StoredKey,
  StoredUser,
  StrategyStore,
} from "../../strategy/index.js";

class MemoryKeyStore implements KeyStore {
  private readonly byKid = new Map<string, KeyCandidate>();
  private readonly byFingerprint = new Map<string, KeyCandidate>();
  private readonly byUsername = new Map<string, { user: StoredUser; keys: StoredKey[] }>();
  private nextId = 1;

  addUser(username: string): StoredUser {
    const user: StoredUser = { id: `user-${this.nextId++}`, username, isAdmin: false, disabled: false };
    this.byUsername.set(username, { user, keys: [] });
    return user;
  }

  addKey(username: string, parsed: ParsedPublicKey): StoredKey {
    if (!this.byUsername.has(username)) this.addUser(username);
    const entry = this.byUsername.get(username)!;
    const key: StoredKey = {
      id: `key-${this.nextId++}`,
      userId: entry.user.id,
      comment: parsed.comment,
      createdAt: new Date(Date.now() - 60_000),
      expiresAt: null,
      revokedAt: null,
      parsed,
    };
    entry.keys.unshift(key);
    const candidate = { key, user: entry.user };
    this.byKid.set(parsed.kid, candidate);
    this.byFingerprint.set(parsed.fingerprintSha256, candidate);
    return key;
  }

  async findByKid(kid: string): Promise<KeyCandidate | null> {
    return this.byKid.get(kid) ?? null;
  }

  async findByFingerprint(fingerprintSha256: string): Promise<KeyCandidate | null> {
    return this.byFingerprint.get(fingerprintSha256) ?? null;
  }

  async findByUsername(username: string): Promise<{ user: StoredUser; keys: StoredKey[] } | null> {
    return this.byUsername.get(username) ?? null;
  }

  // The benchmarks sign with plain keys only: no counter to keep.
  async advanceSignCounter(): Promise<boolean> {
    return true;
  }
}

/** Set-if-absent in a Map; `reset` lets a token pool be replayed for the next pass. */
class MemoryReplayStore implements ReplayStore {
  private readonly seen = new Map<string, number>();

  async consume(scope: string, value: string, expiresAt: Date): Promise<boolean> {
    const id = `${scope}\u0000${value}`;
    if (this.seen.has(id)) return false;
    this.seen.set(id, expiresAt.getTime());
    return true;
  }

  reset(): void {
    this.seen.clear();
  }
}

/** Counts events; the Prisma recorder batches them off the request path, so this is the request-path cost. */
class CountingEventSink implements EventSink {
  count = 0;
  record(_event: AuthEventRecord): void {
    this.count++;
  }
  async flush(): Promise<void> {}
}

export interface MemoryStore extends StrategyStore {
  keys: MemoryKeyStore;
  replay: MemoryReplayStore;
  events: CountingEventSink;
}

export function createMemoryStore(): MemoryStore {
  return { keys: new MemoryKeyStore(), replay: new MemoryReplayStore(), events: new CountingEventSink() };
}
