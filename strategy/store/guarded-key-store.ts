import type { KeyCandidate, KeyStore, StoredKey, StoredUser } from "./ports.js";

/**
 * A KeyStore that refuses (StoreUnavailableError, answered 503) while `assertAvailable` says the
 * database cannot be trusted; used when the key cache (which checks the same itself) is off.
 */
export class GuardedKeyStore implements KeyStore {
  constructor(
    private readonly inner: KeyStore,
    private readonly assertAvailable: () => void,
  ) {}

  async findByKid(kid: string): Promise<KeyCandidate | null> {
    this.assertAvailable();
    return this.inner.findByKid(kid);
  }

  async findByFingerprint(fingerprintSha256: string): Promise<KeyCandidate | null> {
    this.assertAvailable();
    return this.inner.findByFingerprint(fingerprintSha256);
  }

  async findByUsername(username: string): Promise<{ user: StoredUser; keys: StoredKey[] } | null> {
    this.assertAvailable();
    return this.inner.findByUsername(username);
  }

  async advanceSignCounter(keyId: string, counter: number): Promise<boolean> {
    this.assertAvailable();
    return this.inner.advanceSignCounter(keyId, counter);
  }
}
