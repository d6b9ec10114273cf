import type { ChangeFeed, KeyCandidate, KeyStore, StoredKey, StoredUser } from "../ports.js";

export interface KeyCacheOptions {
  /** Longest time an entry is trusted even if no change notice arrives (default 30 s). */
  maxAgeMs?: number;
  /** Entries per lookup kind; least recently used are dropped first (default 50,000). */
  capacity?: number;
  now?: () => number;
}

interface Entry<T> {
  value: T;
  at: number;
}

class LruMap<T> {
  private readonly map = new Map<string, Entry<T>>();
  constructor(private readonly capacity: number) {}
  get(key: string): Entry<T> | undefined {
    const entry = this.map.get(key);
    if (entry) {
      this.map.delete(key);
      this.map.set(key, entry);
    }
    return entry;
  }
  set(key: string, entry: Entry<T>): void {
    this.map.delete(key);
    this.map.set(key, entry);
    if (this.map.size > this.capacity) this.map.delete(this.map.keys().next().value!);
  }
  clear(): void {
    this.map.clear();
  }
  get size(): number {
    return this.map.size;
  }
}

/**
 * Keeps key lookups in memory so the authentication path makes no database read.
 * Any change notice from the feed (a key added, revoked or deleted, a user disabled,
 * here or in another process) drops everything; entries also expire after `maxAgeMs`
 * so a lost notice cannot keep a revoked key alive longer than that. A lookup that
 * raced with a change is not cached. Unknown users and kids are cached too, so
 * guessing does not turn into database load.
 */
export class CachedKeyStore implements KeyStore {
  private generation = 0;
  private readonly byKid: LruMap<KeyCandidate | null>;
  private readonly byFingerprint: LruMap<KeyCandidate | null>;
  private readonly byUsername: LruMap<{ user: StoredUser; keys: StoredKey[] } | null>;
  private readonly maxAge: number;
  private readonly now: () => number;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly inner: KeyStore,
    feed: ChangeFeed,
    options: KeyCacheOptions = {},
  ) {
    const capacity = options.capacity ?? 50_000;
    this.byKid = new LruMap(capacity);
    this.byFingerprint = new LruMap(capacity);
    this.byUsername = new LruMap(capacity);
    this.maxAge = options.maxAgeMs ?? 30_000;
    // Wall-clock age, independent of any test clock given to the strategy.
    this.now = options.now ?? Date.now;
    this.unsubscribe = feed.subscribe(() => this.invalidate());
  }

  /** Forgets everything cached. */
  invalidate(): void {
    this.generation++;
    this.byKid.clear();
    this.byFingerprint.clear();
    this.byUsername.clear();
  }

  close(): void {
    this.unsubscribe();
  }

  findByKid(kid: string): Promise<KeyCandidate | null> {
    return this.cached(this.byKid, kid, () => this.inner.findByKid(kid));
  }

  findByFingerprint(fingerprintSha256: string): Promise<KeyCandidate | null> {
    return this.cached(this.byFingerprint, fingerprintSha256, () => this.inner.findByFingerprint(fingerprintSha256));
  }

  findByUsername(username: string): Promise<{ user: StoredUser; keys: StoredKey[] } | null> {
    return this.cached(this.byUsername, username, () => this.inner.findByUsername(username));
  }

  private async cached<T>(map: LruMap<T>, key: string, load: () => Promise<T>): Promise<T> {
    const now = this.now();
    const hit = map.get(key);
    if (hit && now - hit.at < this.maxAge) return hit.value;
    const generation = this.generation;
    const value = await load();
    if (generation === this.generation) map.set(key, { value, at: now });
    return value;
  }
}
