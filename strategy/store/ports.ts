import type { ParsedPublicKey } from "../keys/types.js";

/** The user a key belongs to, as the strategy hands it to passport. */
export interface StoredUser {
  id: string;
  username: string;
  isAdmin: boolean;
  disabled: boolean;
  /**
   * When the account last changed (disabled, re-enabled, promoted), if it changed after it was
   * created: crtauth refuses bearer tokens issued before it, so a token minted before a disable
   * stays dead once the user is re-enabled. Absent for stores that do not track it.
   */
  changedAt?: Date;
}

/** A stored key with its state. `parsed` is derived from `openssh` and cached. */
export interface StoredKey {
  id: string;
  userId: string;
  comment: string;
  createdAt: Date;
  expiresAt: Date | null;
  revokedAt: Date | null;
  parsed: ParsedPublicKey;
}

/** A key together with its owner: what the verifiers try signatures against. */
export interface KeyCandidate {
  key: StoredKey;
  user: StoredUser;
}

/**
 * Read side of key storage used on the authentication path. Implementations
 * return keys in every state (revoked, expired, disabled owner): the verifiers
 * try active keys first and use the rest only to report a precise refusal.
 */
export interface KeyStore {
  findByKid(kid: string): Promise<KeyCandidate | null>;
  findByFingerprint(fingerprintSha256: string): Promise<KeyCandidate | null>;
  /** Keys of the user with that exact username; `null` if there is no such user. */
  findByUsername(username: string): Promise<{ user: StoredUser; keys: StoredKey[] } | null>;
}

/**
 * One-time values. `consume` must be atomic across processes sharing the store:
 * of many concurrent calls with the same (scope, value), exactly one returns true.
 */
export interface ReplayStore {
  consume(scope: string, value: string, expiresAt: Date): Promise<boolean>;
}

export type Outcome = "success" | "failure";

export interface AuthEventRecord {
  at: Date;
  scheme: string;
  outcome: Outcome;
  errorCode: string | null;
  userId: string | null;
  username: string | null;
  keyId: string | null;
  ip: string | null;
  userAgent: string | null;
}

/** Where authentication outcomes go. Writes may be batched; `flush` waits for them. */
export interface EventSink {
  record(event: AuthEventRecord): void;
  flush(): Promise<void>;
}

/**
 * Tells every process sharing the database that users or keys changed, so key caches
 * drop what they hold. Delivery is at-least-once and carries no detail: a receiver
 * forgets everything it cached.
 */
export interface ChangeFeed {
  publish(): Promise<void>;
  subscribe(listener: () => void): () => void;
  close(): Promise<void>;
}
