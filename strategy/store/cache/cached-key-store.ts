import { LruMap } from "./lru-map.js";
import type { ChangeFeed, KeyCandidate, KeyStore, StoredKey, StoredUser } from "../ports.js";

export interface KeyCacheOptions {
  /** Longest time an entry is trusted even if no change notice arrives (default 30 s). */
  maxAgeMs?: number | undefined;
  /** Found entries per lookup kind; least recently used are dropped first (default 50,000). */
  capacity?: number | undefined;
  /**
   * "No such key/user" answers, over all lookup kinds: at most this many entries (default 10,000)
   * and this many bytes (default 4 MiB), least recently used dropped first. They are kept apart
   * from found entries so a flood of unknown kids or usernames cannot evict real keys.
   */
  negativeCapacity?: number | undefined;
  negativeMaxBytes?: number | undefined;
  /**
   * Called before every lookup; throws (StoreUnavailableError) while the database cannot be
   * trusted, so cached entries are not served by an instance cut off from its database.
   */
  assertAvailable?: (() => void) | undefined;
  now?: (() => number) | undefined;
}

interface Entry<T> {
  value: T;
  at: number;
}

/** What the cache holds now (for monitoring and tests). */
export interface KeyCacheStats {
  entries: number;
  bytes: number;
  negativeEntries: number;
  negativeBytes: number;
}

/** Rough memory one entry holds: its key string (UTF-16) plus the Map slot and entry object. */
const entryOverheadBytes = 160;
function weighEntry(key: string): number {
  return key.length * 2 + entryOverheadBytes;
}

/**
 * Keeps key lookups in memory so the authentication path makes no database read.
 * Any change notice from the feed (a key added, revoked or deleted, a user disabled,
 * here or in another process) drops everything; entries also expire after `maxAgeMs`
 * so a lost notice cannot keep a revoked key alive longer than that. A lookup that
 * raced with a change is not cached. Unknown users and kids are cached too, so
 * guessing does not turn into database load; they live in one small, byte-bounded LRU of
 * their own, since anyone can make as many of them as they like.
 */
export class CachedKeyStore implements KeyStore {
  private generation = 0;
  private readonly byKid: LruMap<Entry<KeyCandidate>>;
  private readonly byFingerprint: LruMap<Entry<KeyCandidate>>;
  private readonly byUsername: LruMap<Entry<{ user: StoredUser; keys: StoredKey[] }>>;
  /** Misses of every kind, keyed by kind + lookup value. */
  private readonly missing: LruMap<number>;
  private readonly maxAge: number;
  private readonly now: () => number;
  private readonly assertAvailable: () => void;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly inner: KeyStore,
    feed: ChangeFeed,
    options: KeyCacheOptions = {},
  ) {
    const found = { entries: options.capacity ?? 50_000, bytes: Number.POSITIVE_INFINITY };
    this.byKid = new LruMap(found, weighEntry);
    this.byFingerprint = new LruMap(found, weighEntry);
    this.byUsername = new LruMap(found, weighEntry);
    this.missing = new LruMap({ entries: options.negativeCapacity ?? 10_000, bytes: options.negativeMaxBytes ?? 4 * 1024 * 1024 }, weighEntry);
    this.maxAge = options.maxAgeMs ?? 30_000;
    // Wall-clock age, independent of any test clock given to the strategy.
    this.now = options.now ?? Date.now;
    this.assertAvailable = options.assertAvailable ?? (() => {});
    this.unsubscribe = feed.subscribe(() => this.invalidate());
  }

  /** Forgets everything cached. */
  invalidate(): void {
    this.generation++;
    this.byKid.clear();
    this.byFingerprint.clear();
    this.byUsername.clear();
    this.missing.clear();
  }

  stats(): KeyCacheStats {
    const maps = [this.byKid, this.byFingerprint, this.byUsername];
    return {
      entries: maps.reduce((n, m) => n + m.size, 0) + this.missing.size,
      bytes: maps.reduce((n, m) => n + m.bytes, 0) + this.missing.bytes,
      negativeEntries: this.missing.size,
      negativeBytes: this.missing.bytes,
    };
  }

  close(): void {
    this.unsubscribe();
  }

  findByKid(kid: string): Promise<KeyCandidate | null> {
    return this.cached(this.byKid, "k", kid, () => this.inner.findByKid(kid));
  }

  findByFingerprint(fingerprintSha256: string): Promise<KeyCandidate | null> {
    return this.cached(this.byFingerprint, "f", fingerprintSha256, () => this.inner.findByFingerprint(fingerprintSha256));
  }

  findByUsername(username: string): Promise<{ user: StoredUser; keys: StoredKey[] } | null> {
    return this.cached(this.byUsername, "u", username, () => this.inner.findByUsername(username));
  }

  /** A write: always the database's own conditional update, never an answer from the cache. */
  advanceSignCounter(keyId: string, counter: number): Promise<boolean> {
    this.assertAvailable();
    return this.inner.advanceSignCounter(keyId, counter);
  }

  // Not async: a hit (nearly every lookup) answers with a settled promise and no async frame.
  private cached<T>(map: LruMap<Entry<T>>, kind: string, key: string, load: () => Promise<T | null>): Promise<T | null> {
    try {
      this.assertAvailable();
    } catch (error) {
      return Promise.reject(error);
    }
    const now = this.now();
    const hit = map.get(key);
    if (hit && now - hit.at < this.maxAge) return Promise.resolve(hit.value);
    const missedAt = this.missing.get(kind + key);
    if (missedAt !== undefined && now - missedAt < this.maxAge) return Promise.resolve(null);
    return this.loaded(map, kind, key, load, now);
  }

  private async loaded<T>(map: LruMap<Entry<T>>, kind: string, key: string, load: () => Promise<T | null>, now: number): Promise<T | null> {
    const generation = this.generation;
    const value = await load();
    if (generation === this.generation) {
      if (value === null) {
        map.delete(key);
        this.missing.set(kind + key, now);
      } else {
        this.missing.delete(kind + key);
        map.set(key, { value, at: now });
      }
    }
    return value;
  }
}
