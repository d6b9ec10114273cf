import { createHash } from "node:crypto";
import type { AuthError, AuthErrorCode } from "../errors.js";
import type { AuditLog, KeyCandidate, KeyLimitStore, ReplayStore } from "../store/ports.js";

/** Lock a key for `forSeconds` once `afterFailures` consecutive refused attempts named it. */
export interface LockoutSettings {
  afterFailures: number;
  forSeconds: number;
}

export const defaultLockout: LockoutSettings = Object.freeze({ afterFailures: 10, forSeconds: 900 });

/**
 * What counts as a failure naming a key, and why only that.
 *
 * Anyone can send garbage naming a key: public keys are published (`/<user>.keys`), and a kid
 * or fingerprint is no secret. Counting bad signatures would let a stranger lock anybody's key
 * with a loop of junk, a denial of service worse than the guessing it would stop (guessing a
 * signature is hopeless anyway; the per-username failure throttle bounds that work). So only
 * refusals AFTER the key's signature verified count: the sender holds the private key (or
 * replays something signed with it) and is refused for how it used it: a clock far off, a
 * token past its lifetime, the wrong audience or server, an address the key's `from=` does not
 * allow, a request binding that does not fit. That is the loop a lockout is for: a stolen key
 * probing this server's rules, or a broken client hammering it.
 *
 * Not counted: refusals of the key's own state (revoked, expired, locked…: it is unusable
 * already), a replayed credential (a copy proves nothing new, and anyone who saw it once could
 * resend it), the key's rate limit and scopes (an authorised caller, asking too much or too
 * often), a JWKS that cannot be read, and the application's own refusal.
 *
 * And each distinct credential counts once (a replay-store claim on its digest), so whoever
 * captured one old signed credential cannot lock the key by sending it again and again.
 */
const notCounted: ReadonlySet<AuthErrorCode> = new Set<AuthErrorCode>([
  "key_revoked",
  "key_expired",
  "key_unverified",
  "key_locked",
  "user_disabled",
  "replayed",
  "rate_limited",
  "insufficient_scope",
  "jwks_unavailable",
  "rejected",
]);

/** How long a counted credential is remembered, so resending it does not count again. */
const countedForMs = 24 * 3600 * 1000;

export interface LockoutDeps {
  readonly limits?: KeyLimitStore | undefined;
  readonly lockout?: LockoutSettings | null | undefined;
  readonly replay: ReplayStore;
  readonly audit?: AuditLog | undefined;
}

/**
 * Counts `error` against the key that verified the credential (see above for what counts),
 * locking it at the threshold and recording `key.locked` in the audit log when this call locked it.
 * `credentialId` identifies the credential (its text, or a header-signed request's nonce); null: not counted.
 */
export async function countLockoutFailure(
  deps: LockoutDeps,
  signer: KeyCandidate,
  error: AuthError,
  credentialId: string | null,
  nowMs: number,
): Promise<void> {
  const { limits, lockout } = deps;
  // Certificates and JWKS keys have no row to count on.
  if (!limits || !lockout || credentialId === null || notCounted.has(error.code) || signer.key.certifiedBy || signer.key.fromJwks) return;
  const digest = createHash("sha256").update(credentialId).digest("base64url");
  if (!(await deps.replay.consume(`lockout:${signer.key.id}`, digest, new Date(nowMs + countedForMs)))) return;
  const lockedUntil = new Date(nowMs + lockout.forSeconds * 1000);
  const counted = await limits.recordKeyFailure(signer.key.id, lockout.afterFailures, lockedUntil, new Date(nowMs));
  if (!counted.locked) return;
  // Not awaited: the audit entry is for people, not worth the refusal's latency or its failure.
  void deps.audit
    ?.append({
      at: new Date(nowMs),
      actor: { type: "system", name: "lockout" },
      action: "key.locked",
      target: { type: "key", id: signer.key.id, name: signer.key.parsed.fingerprintSha256 },
      before: null,
      after: { lockedUntil: lockedUntil.toISOString(), failedAttempts: counted.failedAttempts, lastError: error.code },
    })
    .catch(() => {});
}

/** A success: the key's consecutive failures start again (a write only when the key had some). */
export function resetLockoutFailures(deps: LockoutDeps, signer: KeyCandidate): void | Promise<void> {
  if (deps.limits && (signer.key.failedAttempts ?? 0) > 0) return deps.limits.resetKeyFailures(signer.key.id);
}

/**
 * Lockout settings from the strategy's option: absent or false, off; an object, on, with the
 * defaults for what it leaves out. Off unless asked for in the library, because what counts is a
 * refusal after the signature verified (see above): it stops a key holder's loop, not guessing,
 * and on by default it would turn any client's skewed clock into a 15-minute outage for an app
 * that never chose it. `serve` turns it on (KEY_LOCKOUT_AFTER_FAILURES, default 10).
 */
export function lockoutSettings(option: Partial<LockoutSettings> | false | undefined): LockoutSettings | null {
  if (option === false || option === undefined) return null;
  const settings = { ...defaultLockout, ...option };
  for (const [name, value] of Object.entries(settings)) {
    if (!Number.isSafeInteger(value) || value < 1) throw new TypeError(`SshKeyStrategy: lockout.${name} must be a positive whole number`);
  }
  return settings;
}
