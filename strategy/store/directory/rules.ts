// The rules every KeyDirectory adapter applies before it writes, so the Prisma and the
// in-memory adapters refuse the same input with the same DirectoryError.
import { KeyFormatError, parseKeyPaste, type KeyPolicyOptions } from "../../keys/index.js";
import { parseOptionsText } from "../../keys/formats/key-options.js";
import { looksLikePrivateKey, privateKeyError } from "../../keys/formats/private-key.js";
import { rsaMaxBitsOf } from "../../keys/policy.js";
import type { ParsedPublicKey } from "../../keys/types.js";
import { DirectoryError, type KeyRecord, type NewKeyOptions, type UserOrigin, type UserRecord } from "../ports.js";
import { usernameProblem, usernameSkeleton } from "./usernames.js";
import { checkRateLimit, KeyLimitError, parseScopes, type KeyRateLimit } from "../../core/key-limits.js";

/**
 * Every stored key of a user is a candidate for a credential that names only the user,
 * so the number of keys bounds the work one junk credential can cause.
 */
export const defaultMaxKeysPerUser = 50;

export interface DirectoryOptions {
  /** What the key codec accepts (the RSA ceiling); the key store must be given the same. */
  keyPolicy?: KeyPolicyOptions | undefined;
  /** Keys one user may hold, revoked and expired ones included (default 50). */
  maxKeysPerUser?: number | undefined;
}

/** The options with defaults applied; throws TypeError for a bad value (before any database work). */
export function checkDirectoryOptions(options: DirectoryOptions): { rsaMaxBits: number; maxKeysPerUser: number } {
  const maxKeysPerUser = options.maxKeysPerUser ?? defaultMaxKeysPerUser;
  if (!Number.isSafeInteger(maxKeysPerUser) || maxKeysPerUser < 1) {
    throw new TypeError(`maxKeysPerUser must be a positive integer, got ${String(maxKeysPerUser)}`);
  }
  return { rsaMaxBits: rsaMaxBitsOf(options.keyPolicy), maxKeysPerUser };
}

/** Refuses a username that breaks the rules or passes for one of `existing`. */
export function checkNewUsername(username: string, existing: Iterable<string>): void {
  const problem = usernameProblem(username);
  if (problem) throw new DirectoryError(problem.code, problem.message);
  const names = [...existing];
  if (names.includes(username)) throw new DirectoryError("conflict", `user ${username} already exists`);
  const skeleton = usernameSkeleton(username);
  const lookalike = names.find((name) => usernameSkeleton(name) === skeleton);
  if (lookalike) throw new DirectoryError("confusable", `the username looks like the existing user ${lookalike}; choose another`);
}

/** A key's comment is shown to every administrator: a private key must never become one. */
export function checkComment(comment: string | undefined): void {
  if (comment !== undefined && looksLikePrivateKey(comment)) throw new DirectoryError("invalid", privateKeyError().message);
}

/** The one key in `text`, or a DirectoryError("invalid") saying why there is not exactly one usable key. */
export function parseOneKey(text: string, policy: KeyPolicyOptions): ParsedPublicKey {
  const entries = parseKeyPaste(text, policy);
  if (entries.length !== 1) {
    throw new DirectoryError("invalid", entries.length === 0 ? "no public key found" : `expected one key, found ${entries.length}`);
  }
  const entry = entries[0]!;
  if (!entry.ok) throw new DirectoryError("invalid", entry.problem.message);
  return entry.key;
}

/**
 * New authorized_keys options for a stored key, canonical: null clears them, undefined keeps
 * them. The security-key flags are fixed when the key is added, and the expiry has its own field.
 */
export function changedOptions(text: string | null | undefined): string | null | undefined {
  if (text === undefined || text === null) return text;
  let parsed;
  try {
    parsed = parseOptionsText(text);
  } catch (error) {
    if (error instanceof KeyFormatError) throw new DirectoryError("invalid", error.message);
    throw error;
  }
  if (parsed.noTouchRequired || parsed.verifyRequired)
    throw new DirectoryError("invalid", "no-touch-required and verify-required are set when a security key is added, not changed later.");
  if (parsed.expiresAt !== null) throw new DirectoryError("invalid", "Set the key's expiry as its expiry date, not as expiry-time.");
  return parsed.sshOptions;
}

/**
 * A key's scopes and rate limit about to be written, checked (core/key-limits.ts): undefined
 * leaves a field as it is, null clears it. Throws DirectoryError("invalid") naming the rule.
 */
export function changedLimits(changes: { scopes?: readonly string[] | null | undefined; rateLimit?: KeyRateLimit | null | undefined }): {
  scopes?: string[] | null;
  rateLimit?: KeyRateLimit | null;
} {
  try {
    const out: { scopes?: string[] | null; rateLimit?: KeyRateLimit | null } = {};
    if (changes.scopes !== undefined) out.scopes = changes.scopes === null ? null : parseScopes(changes.scopes);
    if (changes.rateLimit !== undefined) out.rateLimit = changes.rateLimit === null ? null : checkRateLimit(changes.rateLimit);
    return out;
  } catch (error) {
    if (error instanceof KeyLimitError) throw new DirectoryError("invalid", error.message);
    throw error;
  }
}

/** Checks keys about to be stored for one user: comment, size policy, duplicates in the batch. */
export function checkNewKeys(keys: readonly ParsedPublicKey[], options: { comment?: string | undefined }, policy: Readonly<KeyPolicyOptions>): void {
  checkComment(options.comment);
  // Keys parsed elsewhere (publicKeyFromKeyObject allows up to 16384 bits) meet this store's policy too.
  const oversized = keys.find((k) => k.type === "ssh-rsa" && k.bits > (policy.rsaMaxBits ?? 0));
  if (oversized) throw new DirectoryError("invalid", `This RSA key has ${oversized.bits} bits; at most ${policy.rsaMaxBits} are accepted.`);
  const fingerprints = keys.map((k) => k.fingerprintSha256);
  if (new Set(fingerprints).size !== fingerprints.length) throw new DirectoryError("conflict", "the same key appears twice");
}

export function alreadyRegistered(existing: { fingerprintSha256: string; userId: string; username: string }): DirectoryError {
  return new DirectoryError("conflict", `key ${existing.fingerprintSha256} is already registered to ${existing.username}`, {
    userId: existing.userId,
    username: existing.username,
  });
}

/** Refuses adding `adding` keys to a user who holds `held`. */
export function checkKeyCount(held: number, adding: number, maxKeysPerUser: number): void {
  if (held + adding > maxKeysPerUser) {
    throw new DirectoryError("too_many_keys", `a user may hold at most ${maxKeysPerUser} keys (this one holds ${held}); delete unused or revoked keys first`);
  }
}

export const maxCommentLength = 200;
export const maxRevokedReasonLength = 500;

export function normalisedFingerprint(fingerprintSha256: string): string {
  return fingerprintSha256.startsWith("SHA256:") ? fingerprintSha256 : `SHA256:${fingerprintSha256}`;
}

function earlier(a: Date | null, b: Date | null): Date | null {
  return a === null ? b : b === null || a <= b ? a : b;
}

/** The stored columns of a new key (comment and reason lengths capped as the database rows are). */
export function newKeyFields(key: ParsedPublicKey, options: NewKeyOptions) {
  return {
    type: key.type,
    bits: key.bits,
    openssh: key.openssh,
    fingerprintSha256: key.fingerprintSha256,
    fingerprintMd5: key.fingerprintMd5,
    kid: key.kid,
    crtauthFingerprint: key.crtauthFingerprint,
    comment: (options.comment || key.comment).slice(0, maxCommentLength),
    // A line's expiry-time is an expiry as sshd reads it: the earlier of it and the one asked for wins.
    expiresAt: earlier(options.expiresAt ?? null, key.expiryTime),
    touchRequired: key.securityKey?.touchRequired ?? true,
    verifyRequired: key.securityKey?.verifyRequired ?? false,
    sshOptions: key.sshOptions,
    origin: options.origin ?? "upload",
    originRef: options.originRef ?? null,
    sourceId: options.sourceId ?? null,
    unverified: options.unverified ?? false,
  };
}

/** Whether `key` matches the listing's search text (what the Prisma adapter's query does, for the memory one). */
export function keyMatches(key: KeyRecord, q: string, searchUsernames: boolean): boolean {
  const needle = q.toLowerCase();
  const fields = [key.comment, key.fingerprintSha256, key.fingerprintMd5, key.type, ...(searchUsernames ? [key.username] : [])];
  return fields.some((field) => field.toLowerCase().includes(needle)) || key.kid.startsWith(needle);
}

/** Newest first by (createdAt, id): the order of key listings and cursors on every adapter. */
export function newestFirst(a: { createdAt: Date; id: string }, b: { createdAt: Date; id: string }): number {
  return b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
}

/** The management fields of a user row (a row may carry more, e.g. updatedAt), copied. */
export function toUserRecord(row: Omit<UserRecord, "origin" | "email"> & { origin: string; email?: string | null | undefined }): UserRecord {
  return {
    id: row.id,
    username: row.username,
    isAdmin: row.isAdmin,
    disabled: row.disabled,
    requireUserVerification: row.requireUserVerification,
    createdAt: row.createdAt,
    // The column holds only what addUser writes.
    origin: row.origin as UserOrigin,
    email: row.email ?? null,
  };
}

/** WebAuthn §6.1.1, for the adapters' advanceSignCounter: what a counter of `next` does to the stored one. */
export function signCounterAdvances(stored: number | null, next: number): boolean {
  return next === 0 ? (stored ?? 0) === 0 : stored === null || next > stored;
}
