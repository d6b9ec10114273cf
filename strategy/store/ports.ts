import { SshKeyError } from "../errors.js";
import type { KeyPolicyOptions } from "../keys/policy.js";
import type { ParsedPublicKey } from "../keys/types.js";
import type { KeyStatus } from "../core/key-state.js";
import type { KeySort, KeySortPosition } from "../core/key-sort.js";
import type { KeyRateLimit } from "../core/key-limits.js";
import type { Readiness } from "./readiness.js";

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
  /** Security-key signatures of this user must carry the user-verified (PIN) flag. Absent: no. */
  requireUserVerification?: boolean | undefined;
}

/** A stored key with its state. `parsed` is derived from `openssh` and cached. */
export interface StoredKey {
  id: string;
  userId: string;
  comment: string;
  createdAt: Date;
  expiresAt: Date | null;
  revokedAt: Date | null;
  /** When it last signed in (may lag by the activity buffer's flush); the key policy's unused-days rule reads it. Absent: unknown. */
  lastUsedAt?: Date | null | undefined;
  parsed: ParsedPublicKey;
  /** Security keys: signatures must carry the user-presence flag (false: stored `no-touch-required`). Absent: true. */
  touchRequired?: boolean | undefined;
  /** Security keys: signatures must carry the user-verified flag (stored `verify-required`). Absent: false. */
  verifyRequired?: boolean | undefined;
  /** The authorized_keys options stored with the key (canonical); its `from=` is enforced on sign-in. Absent or null: none. */
  sshOptions?: string | null | undefined;
  /** Imported and not yet proven held by its owner: never signs in (key-state.ts). Absent: false. */
  unverified?: boolean | undefined;
  /** The scopes the key may be used for (core/key-limits.ts). Absent or null: unrestricted. */
  scopes?: readonly string[] | null | undefined;
  /** The key's own sign-in rate limit. Absent or null: none (or the strategy's default). */
  rateLimit?: KeyRateLimit | null | undefined;
  /** Consecutive refused attempts naming the key (core/lockout.ts), and until when it is locked. Absent: 0, not locked. */
  failedAttempts?: number | undefined;
  lockedUntil?: Date | null | undefined;
  /**
   * Set when the key is the certified key of an OpenSSH certificate rather than a stored row:
   * the CA that must have signed it, whether the certificate is revoked, and its serial and key id.
   */
  certifiedBy?: { authority: TrustedAuthority; revoked: boolean; serial: bigint; keyId: string } | undefined;
  /** Set when the key was read from a JWKS the user trusts rather than a stored row: the endpoint and the key's kid there. */
  fromJwks?: { endpointId: string; url: string; kid: string } | undefined;
}

/** How a certificate names the user it signs in: a principal, its key id, or an extension's value. */
export type PrincipalMap = "username" | "key-id" | `extension:${string}`;

/** A trusted certificate authority as the authentication path reads it (removed CAs are not found). */
export interface TrustedAuthority {
  id: string;
  name: string;
  principalMap: PrincipalMap;
  revokedAt: Date | null;
  parsed: ParsedPublicKey;
}

/** A certificate authority as management sees it. */
export interface CertificateAuthorityRecord {
  id: string;
  name: string;
  type: string;
  openssh: string;
  fingerprintSha256: string;
  principalMap: PrincipalMap;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

/**
 * What one revocation matches: a serial, an inclusive serial range, a key id, or a key by its
 * "SHA256:…" or "SHA1:…" fingerprint (base64, no padding, as `ssh-keygen -l` prints them).
 */
export type CertificateRevocationMatch = { serial: bigint } | { serialFrom: bigint; serialTo: bigint } | { keyId: string } | { keyFingerprint: string };

/** A revocation read from a KRL: of one CA's certificates, or (caId null) of every CA's. */
export interface ImportedRevocation {
  caId: string | null;
  match: CertificateRevocationMatch;
}

/** What the authentication path asks about a certificate it is verifying. */
export interface CertificateIdentity {
  serial: bigint;
  keyId: string;
  /** "SHA256:…" of the certified key. */
  keyFingerprint: string;
  /**
   * More fingerprints a key revocation of any CA (a KRL's key sections) holds against: the certified
   * key's "SHA1:…", and the CA key's own, as OpenSSH refuses a certificate whose CA key is revoked.
   */
  otherFingerprints?: readonly string[] | undefined;
}

/**
 * Trusted OpenSSH certificate authorities and their revocations. Read from the store on every
 * certificate login (never cached), so removal and revocation hold on the next request everywhere.
 * Management writes throw DirectoryError ("not_found", "conflict").
 */
export interface CertificateAuthorityStore {
  findByFingerprint(fingerprintSha256: string): Promise<TrustedAuthority | null>;
  isRevoked(caId: string, certificate: CertificateIdentity): Promise<boolean>;
  markUsed(caId: string, at: Date): Promise<void>;
  add(name: string, key: ParsedPublicKey, principalMap: PrincipalMap): Promise<CertificateAuthorityRecord>;
  list(): Promise<CertificateAuthorityRecord[]>;
  remove(name: string): Promise<CertificateAuthorityRecord>;
  /** Revokes the whole CA; an already revoked CA is returned unchanged. */
  revokeAll(name: string): Promise<CertificateAuthorityRecord>;
  revokeCertificates(name: string, match: CertificateRevocationMatch, reason?: string | undefined): Promise<void>;
  /**
   * Replaces every revocation an earlier import from `source` stored with these, all or none:
   * a KRL is cumulative, so importing it again (from cron) is safe. CA ids must name trusted CAs.
   */
  replaceImportedRevocations(source: string, revocations: readonly ImportedRevocation[]): Promise<void>;
  /** How many revocations each CA has (by CA id; revocations of every CA under null). */
  countRevocations(): Promise<Map<string | null, number>>;
}

/** A JWKS URL a user trusts, as management sees it. */
export interface JwksEndpointRecord {
  id: string;
  userId: string;
  username: string;
  /** Normalised (WHATWG URL href). */
  url: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  /** When the set was last fetched, and why that fetch failed (null: it succeeded or never ran). */
  lastFetchedAt: Date | null;
  lastFetchError: string | null;
}

/**
 * Each user's trusted JWKS URLs (asymmetric-jwt-auth's JWKSEndpointTrust). Read on every JWT
 * whose kid names no stored key, never cached, so a removed URL stops on the next request.
 * Management writes throw DirectoryError ("not_found", "conflict", "invalid", "too_many_keys").
 */
export interface JwksEndpointStore {
  /** The endpoints of the user with this id, oldest first (the authentication path). */
  forUser(userId: string): Promise<JwksEndpointRecord[]>;
  list(username: string): Promise<JwksEndpointRecord[]>;
  add(username: string, url: string): Promise<JwksEndpointRecord>;
  remove(username: string, url: string): Promise<JwksEndpointRecord>;
  markUsed(id: string, at: Date): Promise<void>;
  /** The outcome of a fetch of `url`, on every user's endpoint with that URL. */
  recordFetch(url: string, at: Date, error: string | null): Promise<void>;
}

export type KeySourceKind = "github" | "gitlab" | "url";

/** Where a user's keys are imported from and kept in step with (strategy/import/). */
export interface KeySourceRecord {
  id: string;
  userId: string;
  username: string;
  kind: KeySourceKind;
  /** As given: gh:LOGIN, gitlab:HOST/LOGIN, or the URL. */
  ref: string;
  /** The URL fetched. */
  url: string;
  createdAt: Date;
  lastSyncedAt: Date | null;
  /** Why the last sync failed (null: it succeeded or never ran). */
  lastError: string | null;
  /** Upstream asked us to wait (a rate limit): no fetch before then. */
  retryAfter: Date | null;
}

/** The outcome of one sync of a source. */
export interface KeySourceSync {
  at: Date;
  error: string | null;
  retryAfter: Date | null;
}

/**
 * Each user's key import sources. Removing a source keeps its keys (their sourceId becomes
 * null, their originRef stays). Management writes throw DirectoryError ("not_found", "too_many_keys").
 */
export interface KeySourceStore {
  /** A user's sources, oldest first. */
  list(username: string): Promise<KeySourceRecord[]>;
  /** Every user's sources (`keys sync --all`, the periodic sync), oldest first. */
  listAll(): Promise<KeySourceRecord[]>;
  /** The source of `username` with this ref or URL; DirectoryError("not_found") when there is none. */
  find(username: string, ref: string): Promise<KeySourceRecord>;
  /** The user's source for `url`, created when they have none (importing twice re-syncs the one source). */
  ensure(username: string, source: { kind: KeySourceKind; ref: string; url: string }): Promise<KeySourceRecord>;
  remove(username: string, ref: string): Promise<KeySourceRecord>;
  recordSync(id: string, sync: KeySourceSync): Promise<KeySourceRecord>;
}

/** A JWKS the key source could not read (unreachable, too slow, too large, not a JWK set). */
export class JwksUnavailableError extends Error {
  override readonly name = "JwksUnavailableError";
}

/**
 * Reads keys from remote JWK sets (I/O behind a port): one instance per strategy, holding the
 * sets' caches. `findKey` is the key with this kid the token's alg may verify with, parsed under
 * the key policy; null when the set has none (or only one the policy refuses); JwksUnavailableError
 * when the set cannot be read.
 */
export interface JwksKeySource {
  findKey(url: string, alg: string, kid: string): Promise<ParsedPublicKey | null>;
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
  /**
   * Keeps a security key's signature counter (WebAuthn §6.1.1): stores `counter` when it is
   * greater than the stored one (or none is stored) and answers true; a counter of 0 with none
   * or 0 stored is a key without a counter, also true. Anything else did not advance: false,
   * and the stored value stays. Atomic across processes (one conditional update), so the
   * stored counter is the largest ever accepted.
   */
  advanceSignCounter(keyId: string, counter: number): Promise<boolean>;
}

/**
 * Per-key sign-in limits kept where every instance sees them (core/lockout.ts, core/rate-window.ts).
 * Each write is atomic across processes.
 */
export interface KeyLimitStore {
  /** Adds one to the fixed-window counter `scope` of the window starting at `windowStart`; answers the count after it. */
  countInWindow(scope: string, windowStart: Date, expiresAt: Date): Promise<number>;
  /**
   * Adds one consecutive failure to the key (a lock that ran out starts the count again); at
   * `threshold` failures locks it until `lockUntil`. `locked`: this call locked it.
   */
  recordKeyFailure(keyId: string, threshold: number, lockUntil: Date, now: Date): Promise<{ failedAttempts: number; locked: boolean }>;
  /** A success: the key's consecutive failures start again from zero. */
  resetKeyFailures(keyId: string): Promise<void>;
}

/** A key as the directory publishes it (`/<user>.keys`, sshd's authorized_keys, git's allowed_signers). */
export interface PublishableKey {
  /** "type base64", canonical, from the key codec (a row the codec now refuses is never published). */
  openssh: string;
  createdAt: Date;
  expiresAt: Date | null;
  revokedAt: Date | null;
  securityKey: boolean;
  touchRequired: boolean;
  verifyRequired: boolean;
  /** The authorized_keys options stored with the key, canonical; null: none. */
  sshOptions: string | null;
  /** Imported and not yet proven held by its owner: never published. */
  unverified: boolean;
}

/** A user with every key they hold, in every state: publish/active-keys.ts picks the ones to publish. */
export interface PublishableOwner {
  username: string;
  disabled: boolean;
  keys: PublishableKey[];
}

/**
 * One-time values. `consume` must be atomic across processes sharing the store:
 * of many concurrent calls with the same (scope, value), exactly one returns true.
 */
export interface ReplayStore {
  consume(scope: string, value: string, expiresAt: Date): Promise<boolean>;
}

/** "alarm": not an attempt's outcome but a warning about one (a security key's counter went backwards). */
export type Outcome = "success" | "failure" | "alarm";

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
  /** Certificate logins: the CA's id, the certificate's serial (decimal) and key id, and the principal that named the user. */
  caId?: string | null | undefined;
  certSerial?: string | null | undefined;
  certKeyId?: string | null | undefined;
  certPrincipal?: string | null | undefined;
  /** JWKS logins: the JWKS URL the key was found in, and its kid there. */
  jwksUrl?: string | null | undefined;
  jwksKid?: string | null | undefined;
}

/** Where authentication outcomes go. Writes may be batched; `flush` waits for them. */
export interface EventSink {
  record(event: AuthEventRecord): void;
  flush(): Promise<void>;
  /**
   * Sign-ins with a key recorded here but not yet in its last-used columns (those are written
   * at most once a minute): added to what is read, so every view shows the same count at once.
   */
  pendingUse?(keyId: string): { at: Date; ip: string | null; scheme: string; count: number } | undefined;
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

// ——— Write side and management reads: the admin API, the CLI and the demo server use these. ———

/** A user as management (CLI, admin API) sees it. */
export interface UserRecord {
  id: string;
  username: string;
  isAdmin: boolean;
  disabled: boolean;
  /** Security-key signatures must carry the user-verified (PIN) flag. */
  requireUserVerification: boolean;
  createdAt: Date;
  /** Who manages the account: "local" (console, CLI) or "ldap" (created and disabled by the LDAP sync). */
  origin: UserOrigin;
  /** Where notifications for this user are mailed; null: none. */
  email: string | null;
}

export type UserOrigin = "local" | "ldap";

/** Where a key came from: uploaded (console, CLI, API), imported from a published list, or read from LDAP. */
export type KeyOrigin = "upload" | "import" | "ldap";

/** What an administrator may change about a user. */
export interface UserFlags {
  isAdmin?: boolean | undefined;
  disabled?: boolean | undefined;
  requireUserVerification?: boolean | undefined;
  /** A valid address (see store/directory/email.ts), or null to mail nothing. */
  email?: string | null | undefined;
}

/** A user with how many keys they hold: one row of the users listing. */
export interface UserListing extends UserRecord {
  keyCount: number;
}

/** A stored key with every management field and its owner's username. */
export interface KeyRecord {
  id: string;
  userId: string;
  username: string;
  type: string;
  bits: number;
  openssh: string;
  fingerprintSha256: string;
  fingerprintMd5: string;
  kid: string;
  comment: string;
  createdAt: Date;
  expiresAt: Date | null;
  lastUsedAt: Date | null;
  lastUsedIp: string | null;
  lastUsedScheme: string | null;
  useCount: number;
  revokedAt: Date | null;
  revokedReason: string | null;
  /** Security keys: stored without `no-touch-required` (always true for plain keys). */
  touchRequired: boolean;
  /** Security keys: stored with `verify-required`. */
  verifyRequired: boolean;
  /** Security keys: the largest signature counter accepted; null before the first, or for plain keys. */
  signCounter: number | null;
  /**
   * The authorized_keys options the key was stored with, canonical (keys/formats/key-options.ts),
   * or null: `from=` is enforced on HTTP sign-in, the rest applies to sshd only.
   */
  sshOptions: string | null;
  /** Where the key came from. */
  origin: KeyOrigin;
  /** Provenance, kept after its source is removed: gh:LOGIN, gitlab:HOST/LOGIN or the URL of an import; an LDAP entry's DN. */
  originRef: string | null;
  /** The import source that keeps the key in step; null for uploads, LDAP, or once the source was removed. */
  sourceId: string | null;
  /** Imported and not yet proven held by its owner (a signed challenge): never signs in, never published. */
  unverified: boolean;
  verifiedAt: Date | null;
  /** The scopes the key may be used for, sorted; null: unrestricted. */
  scopes: string[] | null;
  /** The key's own sign-in rate limit; null: none. */
  rateLimit: KeyRateLimit | null;
  /** Consecutive refused attempts naming the key, and until when it is locked (null: not locked, or the lock ran out). */
  failedAttempts: number;
  lockedUntil: Date | null;
}

/** key_policy: the key breaks the instance key policy (strategy/policy/); the message names the rule. */
export type DirectoryErrorCode = "not_found" | "conflict" | "invalid" | "too_many_keys" | "confusable" | "key_policy";

/** A management operation refused because of its input or the current state. */
export class DirectoryError extends SshKeyError<DirectoryErrorCode> {
  override readonly name = "DirectoryError";
  constructor(
    code: DirectoryErrorCode,
    message: string,
    /** For a key already stored: whose it is (for administrators only; see the admin key routes). */
    readonly holder?: { userId: string; username: string },
  ) {
    super(code, message);
  }
}

/** Notified after a key or user changes, so caches elsewhere can drop what they hold. */
export type ChangeListener = (change: { kind: "key" | "user"; id: string }) => void;

/** What management may change about a stored key. */
export interface KeyChanges {
  comment?: string | undefined;
  expiresAt?: Date | null | undefined;
  sshOptions?: string | null | undefined;
  /** Checked by core/key-limits.ts; null: unrestricted / no limit of its own. */
  scopes?: readonly string[] | null | undefined;
  rateLimit?: KeyRateLimit | null | undefined;
}

export interface NewKeyOptions {
  comment?: string | undefined;
  expiresAt?: Date | null | undefined;
  /** Default "upload". */
  origin?: KeyOrigin | undefined;
  originRef?: string | null | undefined;
  sourceId?: string | null | undefined;
  /** Store the key unverified (an import): it signs in only after markKeyVerified. */
  unverified?: boolean | undefined;
  /** Scopes and rate limit (core/key-limits.ts); absent: unrestricted, no limit of its own. */
  scopes?: readonly string[] | null | undefined;
  rateLimit?: KeyRateLimit | null | undefined;
}

/** One page of a listing, newest (keys, events) or alphabetically first (users) first. */
export interface Page<T> {
  items: T[];
  /** Whether rows follow the last item. */
  more: boolean;
}

/** Which keys a listing (a page, the totals, an export) holds. */
export interface KeyFilter {
  /** Only this user's keys. */
  userId?: string | undefined;
  /** Key state at `now`. */
  status?: KeyStatus | undefined;
  /** Case-insensitive text in the comment, fingerprints or type; a kid prefix; the owner's username when `searchUsernames`. */
  q?: string | undefined;
  searchUsernames?: boolean | undefined;
  /** Exactly the key with this fingerprint ("SHA256:…", or the MD5 colon-hex as stored, without "MD5:"). */
  identity?: { fingerprintSha256: string } | { fingerprintMd5: string } | undefined;
  /** Exact key type name (ssh-ed25519, …). */
  type?: string | undefined;
  origin?: KeyOrigin | undefined;
  /** Last sign-in before / at or after (a key never used matches neither). */
  lastUsedBefore?: Date | undefined;
  lastUsedAfter?: Date | undefined;
  now: Date;
}

export interface KeyPageQuery extends KeyFilter {
  /** Default newest first (created, descending). */
  sort?: KeySort | undefined;
  /** Keys after this position in the sort. */
  after?: KeySortPosition | undefined;
  limit: number;
}

/** How many keys a filter matches, and (ignoring its status) how many are in each state. */
export interface KeyTotals {
  matching: number;
  byStatus: Record<KeyStatus, number>;
}

export interface UserPageQuery {
  /** Case-insensitive text in the username. */
  q?: string | undefined;
  /** Users whose username sorts after this one. */
  after?: string | undefined;
  limit: number;
}

/**
 * Users and keys for management: the CLI and the admin API. Lookups by name throw
 * DirectoryError("not_found") (`find…`) or answer null (`lookup…`); every write answers
 * with the row as written, its owner's username included, so no caller re-reads it.
 */
export interface KeyDirectory {
  readonly keyPolicy: Readonly<KeyPolicyOptions>;
  readonly maxKeysPerUser: number;
  onChange(listener: ChangeListener): void;

  addUser(username: string, options?: { isAdmin?: boolean | undefined; origin?: UserOrigin | undefined }): Promise<UserRecord>;
  findUser(username: string): Promise<UserRecord>;
  lookupUser(username: string): Promise<UserRecord | null>;
  listUsers(): Promise<UserRecord[]>;
  pageUsers(query: UserPageQuery): Promise<Page<UserListing>>;
  setUserFlags(username: string, flags: UserFlags): Promise<UserRecord>;
  /** Deletes a user with their keys and console sessions; their log events stay, without the link. */
  removeUser(username: string): Promise<{ user: UserRecord; keyCount: number }>;

  /** Stores one public key for `username`; the text may be in any format the key codec reads. */
  addKey(username: string, text: string, options?: NewKeyOptions): Promise<KeyRecord>;
  insertKey(userId: string, key: ParsedPublicKey, options: NewKeyOptions): Promise<KeyRecord>;
  /** Stores several parsed keys for one user, all or none, within the key-count limit; answers newest first. */
  insertKeys(userId: string, keys: ParsedPublicKey[], options?: NewKeyOptions): Promise<KeyRecord[]>;
  /** Oldest first; of one user when `username` is given. */
  listKeys(username?: string): Promise<KeyRecord[]>;
  pageKeys(query: KeyPageQuery): Promise<Page<KeyRecord>>;
  countKeys(filter: KeyFilter): Promise<KeyTotals>;
  findKey(fingerprintSha256: string): Promise<KeyRecord>;
  findKeyById(id: string): Promise<KeyRecord>;
  lookupKeyById(id: string): Promise<KeyRecord | null>;
  /** `sshOptions`: canonical options text (see keys/formats/key-options.ts), null to clear. */
  updateKeyById(id: string, changes: KeyChanges): Promise<KeyRecord>;
  /** Records that the owner proved holding the key: it is no longer unverified. A verified key is returned unchanged. */
  markKeyVerified(id: string, at: Date): Promise<KeyRecord>;
  /** Clears a lockout and the failure count; an unlocked key is returned unchanged. */
  unlockKeyById(id: string): Promise<KeyRecord>;
  /** Revokes by fingerprint; an already revoked key is returned unchanged. */
  revokeKey(fingerprintSha256: string, reason?: string): Promise<KeyRecord>;
  /** Revokes by id; an already revoked key is a conflict. */
  revokeKeyById(id: string, reason: string | null, at?: Date): Promise<KeyRecord>;
  removeKey(fingerprintSha256: string): Promise<KeyRecord>;
  removeKeyById(id: string): Promise<KeyRecord>;
}

/** A console session as stored; the id is the SHA-256 of the cookie value. */
interface ConsoleSessionFields {
  id: string;
  userId: string;
  csrfToken: string;
  createdAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
}

/** A console session with its user. */
export interface ConsoleSessionRecord extends ConsoleSessionFields {
  user: UserRecord;
}

/** A session to start, with where it was started from. */
export interface NewConsoleSession extends ConsoleSessionFields {
  ip: string | null;
  userAgent: string | null;
}

/** What redeeming a sign-in link found; null when no link has that id. */
export type LinkRedemption = { outcome: "redeemed" | "used" | "expired"; user: UserRecord } | null;

/** What a look at a sign-in link found, without using it; null when no link has that id. */
export type LinkInspection = { outcome: "unused" | "used" | "expired"; user: UserRecord } | null;

/** Console sessions and one-time sign-in links. Only SHA-256 digests of secrets are stored. */
export interface SessionStore {
  createSession(session: NewConsoleSession): Promise<ConsoleSessionRecord>;
  findSession(id: string): Promise<ConsoleSessionRecord | null>;
  touchSession(id: string, lastSeenAt: Date): Promise<void>;
  deleteSession(id: string): Promise<void>;
  deleteSessionsOf(userId: string): Promise<void>;
  /** Deletes sessions whose absolute lifetime ended at or before `at`. */
  deleteSessionsExpiredBy(at: Date): Promise<void>;
  createSignInLink(link: { id: string; userId: string; createdAt: Date; expiresAt: Date }): Promise<void>;
  /** Deletes links that expired before `at`. */
  deleteSignInLinksExpiredBefore(at: Date): Promise<void>;
  /** Marks the link used at `at` if it is unused and unexpired; of concurrent redemptions exactly one wins. */
  redeemSignInLink(id: string, at: Date): Promise<LinkRedemption>;
  /** The link's state at `at`, leaving it as it is (a GET of the link must not use it up). */
  inspectSignInLink(id: string, at: Date): Promise<LinkInspection>;
}

/** Server-side settings that survive restarts and are shared by every instance. */
export interface SettingsStore {
  /** The value of `key`, stored from `create()` by whichever instance asks first. */
  loadOrCreate(key: string, create: () => string): Promise<string>;
  /** The value of `key`, or null when none is stored. */
  read(key: string): Promise<string | null>;
  /** Stores `value` under `key`, replacing any earlier one. */
  write(key: string, value: string): Promise<void>;
}

/** An authentication event as the log shows it. */
export interface AuthEventEntry {
  id: number;
  at: Date;
  userId: string | null;
  username: string | null;
  keyId: string | null;
  keyFingerprint: string | null;
  keyComment: string | null;
  scheme: string;
  outcome: string;
  errorCode: string | null;
  ip: string | null;
  userAgent: string | null;
  /** Attempts with an OpenSSH certificate (see AuthEventRecord); null otherwise. */
  caId: string | null;
  certSerial: string | null;
  certKeyId: string | null;
  certPrincipal: string | null;
  /** Attempts with a key read from a JWKS (see AuthEventRecord); null otherwise. */
  jwksUrl: string | null;
  jwksKid: string | null;
}

export interface EventFilter {
  /** Events of this user, and failed attempts that only claimed the name. */
  username?: string | undefined;
  /** Events whose claimed username, or whose user's name, contains this text (case-insensitive). */
  usernameContains?: string | undefined;
  /** Only events linked to this user (no attempt that merely claimed the name). */
  userId?: string | undefined;
  /** Only attempts made with an OpenSSH certificate (a serial or key id was read). */
  certificates?: boolean | undefined;
  keyId?: string | undefined;
  scheme?: string | undefined;
  outcome?: string | undefined;
  /** At or after. */
  from?: Date | undefined;
  /** Before. */
  to?: Date | undefined;
}

export interface EventPageQuery extends EventFilter {
  /** Events after this one in the order (at, id) descending. */
  after?: { at: Date; id: number } | undefined;
  limit: number;
}

/** How many events a filter matches, by outcome. */
export interface EventTotals {
  matching: number;
  byOutcome: Record<Outcome, number>;
}

/** Reading the authentication log (the EventSink writes it). */
export interface EventLog {
  page(query: EventPageQuery): Promise<Page<AuthEventEntry>>;
  count(filter: EventFilter): Promise<EventTotals>;
}

/** A key's sign-ins on one UTC day. */
export interface KeyUsageDay {
  /** YYYY-MM-DD, UTC. */
  day: string;
  successes: number;
  /** Refusals after the key's signature verified (see store/key-usage.ts). */
  failures: number;
}

export interface KeyUsageTotals {
  successes: number;
  failures: number;
}

/** Reading the daily usage counts the EventSink keeps per key. */
export interface KeyUsageLog {
  /** The key's days from `fromDay` (YYYY-MM-DD, inclusive) on, oldest first; days without use are absent. */
  days(keyId: string, fromDay: string): Promise<KeyUsageDay[]>;
  /** Each key's sums from `fromDay` on; a key without use in that time is absent. */
  totals(keyIds: readonly string[], fromDay: string): Promise<Map<string, KeyUsageTotals>>;
}

/** Who made a change: a console user, the CLI (with the OS user), or the server itself (a sync job). */
export type AuditActor = { type: "user"; id: string; name: string } | { type: "cli"; name: string } | { type: "system"; name: string };

/** One change to record: what happened to which target, by whom, from where, with the fields before and after. */
export interface AuditRecord {
  at: Date;
  actor: AuditActor;
  ip?: string | null | undefined;
  userAgent?: string | null | undefined;
  /** Dotted, e.g. key.added, key.revoked, user.created, policy.changed, session.sign_in (see strategy/audit/actions.ts). */
  action: string;
  target: { type: string; id?: string | null | undefined; name?: string | null | undefined };
  /** The fields that changed, as they were (null: the target did not exist) and as they are (null: it is gone). */
  before?: Record<string, unknown> | null | undefined;
  after?: Record<string, unknown> | null | undefined;
}

/** A recorded change, as the audit log shows it. */
export interface AuditEntry {
  id: number;
  at: Date;
  actor: AuditActor;
  ip: string | null;
  userAgent: string | null;
  action: string;
  target: { type: string; id: string | null; name: string | null };
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}

export interface AuditPageQuery {
  /** Exact action, or a prefix ending in "." (e.g. "key."). */
  action?: string | undefined;
  targetType?: string | undefined;
  targetId?: string | undefined;
  /** Exact: how people name the target (a username, a fingerprint), which outlives its id. */
  targetName?: string | undefined;
  /** Case-insensitive text in the actor's name. */
  actor?: string | undefined;
  /** At or after. */
  from?: Date | undefined;
  /** Before. */
  to?: Date | undefined;
  /** Entries after this one in the order (at, id) descending. */
  after?: { at: Date; id: number } | undefined;
  limit: number;
}

/** The change log: append-only (the database refuses updates and deletes), read newest first. */
export interface AuditLog {
  append(record: AuditRecord): Promise<AuditEntry>;
  page(query: AuditPageQuery): Promise<Page<AuditEntry>>;
  /** Called after each append in this process (notifications); answers a function that unsubscribes. */
  onAppend(listener: (entry: AuditEntry) => void): () => void;
}

/** A URL that receives signed JSON notifications (strategy/notify/webhooks/). */
export interface WebhookRecord {
  id: string;
  url: string;
  /** Event names it receives; "*" for all. */
  events: "*" | string[];
  createdAt: Date;
  disabled: boolean;
}

/** A webhook with the HMAC key its deliveries are signed with: only the worker and the one answer to `add` carry it. */
export interface WebhookWithSecret extends WebhookRecord {
  secret: string;
}

export type WebhookDeliveryStatus = "pending" | "delivered" | "failed";

/** One notification to one webhook. */
export interface WebhookDeliveryRecord {
  id: number;
  webhookId: string;
  event: string;
  /** The JSON body exactly as signed and sent. */
  payload: string;
  createdAt: Date;
  status: WebhookDeliveryStatus;
  attempts: number;
  nextAttemptAt: Date | null;
  lastAttemptAt: Date | null;
  responseStatus: number | null;
  lastError: string | null;
}

/** A due delivery this worker claimed (no other worker gets it until `leaseUntil`), with where it goes. */
export interface ClaimedDelivery extends WebhookDeliveryRecord {
  url: string;
  secret: string;
}

/** The outcome of one attempt: delivered, failed for good, or pending again from `nextAttemptAt`. */
export interface DeliveryAttempt {
  at: Date;
  status: WebhookDeliveryStatus;
  nextAttemptAt: Date | null;
  responseStatus: number | null;
  error: string | null;
}

/**
 * Webhooks, their delivery queue and the marks that keep a notification from being sent twice.
 * Shared by every instance: `claimDue` and `markOnce` are atomic across processes. Management
 * writes throw DirectoryError ("not_found", "conflict").
 */
export interface NotificationStore {
  addWebhook(webhook: { url: string; secret: string; events: "*" | string[] }): Promise<WebhookWithSecret>;
  /** Oldest first. */
  listWebhooks(): Promise<WebhookRecord[]>;
  removeWebhook(id: string): Promise<WebhookRecord>;
  /** Queues one delivery per enabled webhook that takes `event`, due at `at`; answers how many. */
  enqueue(event: string, payload: string, at: Date): Promise<number>;
  /** Up to `limit` pending deliveries due at `now`, each leased to the caller until `leaseUntil`. */
  claimDue(now: Date, leaseUntil: Date, limit: number): Promise<ClaimedDelivery[]>;
  recordAttempt(id: number, attempt: DeliveryAttempt): Promise<void>;
  /** A webhook's deliveries, newest first (the console's delivery log); DirectoryError("not_found") for no such webhook. */
  deliveries(webhookId: string, limit: number): Promise<WebhookDeliveryRecord[]>;
  /** Records that the notification `id` was sent: true for the one caller (of any instance) that recorded it first. */
  markOnce(id: string, at: Date): Promise<boolean>;
}

/** Everything the library reads or writes, from one database. */
export interface SshKeyStore {
  keys: KeyStore;
  replay: ReplayStore;
  events: EventSink;
  directory: KeyDirectory;
  sessions: SessionStore;
  settings: SettingsStore;
  eventLog: EventLog;
  /** Daily successes and failures per key. */
  usage: KeyUsageLog;
  changes: ChangeFeed;
  authorities: CertificateAuthorityStore;
  jwks: JwksEndpointStore;
  keySources: KeySourceStore;
  /** Who changed what (separate from the authentication log). */
  audit: AuditLog;
  /** Webhooks, deliveries and sent-notification marks. */
  notifications: NotificationStore;
  /** Per-key rate windows and lockout counts. */
  limits: KeyLimitStore;
  /** Whether the store answers and takes writes now: what /readyz reports. */
  ready(): Promise<Readiness>;
  /** Flushes buffered activity and disconnects. */
  close(): Promise<void>;
}
