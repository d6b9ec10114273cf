/**
 * The one key-state table. Whether a stored key may sign in now, and what each refusal is
 * called, is decided here for the verification pipeline, the admin API, the CLI and (through
 * the API contract) the console. Pure data and functions: the console bundles this file.
 */

/** A key's own state, as the key list shows it. */
export const keyStatuses = ["active", "revoked", "expired", "unverified"] as const;
export type KeyStatus = (typeof keyStatuses)[number];

/**
 * Whether a key may sign in: its own state, then whether it is locked after failed attempts
 * (core/lockout.ts), then its owner's, then the instance key policy (strategy/policy/rules.ts
 * decides a break; the pipeline names the rule in the message).
 */
export type KeyState = KeyStatus | "locked" | "user_disabled" | "policy";

/** The fields key state depends on. */
export interface KeyStateInput {
  revokedAt: Date | string | null;
  expiresAt: Date | string | null;
  /** Imported and not yet proven to be held by its owner (see strategy/import/possession.ts). Absent: false. */
  unverified?: boolean | undefined;
  /** Locked after consecutive failed attempts until then (core/lockout.ts). Absent or null: not locked. */
  lockedUntil?: Date | string | null | undefined;
}

function timeOf(value: Date | string): number {
  return typeof value === "string" ? Date.parse(value) : value.getTime();
}

/**
 * A key's own state at `nowMs`: revoked wins over expired, expired over unverified (proving
 * possession of an expired key would not make it usable); an expiry at exactly now has passed.
 */
export function keyStatus(key: KeyStateInput, nowMs: number): KeyStatus {
  if (key.revokedAt) return "revoked";
  if (key.expiresAt && timeOf(key.expiresAt) <= nowMs) return "expired";
  if (key.unverified) return "unverified";
  return "active";
}

/** Whether the key may sign in at `nowMs`, given whether its owner is disabled. */
export function keyState(key: KeyStateInput, ownerDisabled: boolean, nowMs: number): KeyState {
  const own = keyStatus(key, nowMs);
  if (own !== "active") return own;
  if (key.lockedUntil && timeOf(key.lockedUntil) > nowMs) return "locked";
  return ownerDisabled ? "user_disabled" : "active";
}

/** The refusal code and message for a key that verified but may not be used. */
export const keyStateRefusals = {
  revoked: { code: "key_revoked", message: "the key that signed this credential has been revoked" },
  expired: { code: "key_expired", message: "the key that signed this credential has expired" },
  unverified: { code: "key_unverified", message: "the key that signed this credential was imported and its owner has not yet proven holding it" },
  locked: { code: "key_locked", message: "the key that signed this credential is locked after too many failed attempts; retry later or ask an administrator" },
  user_disabled: { code: "user_disabled", message: "the account is disabled" },
  policy: { code: "key_policy", message: "the key that signed this credential breaks the key policy" },
} as const satisfies Record<Exclude<KeyState, "active">, { code: string; message: string }>;

/** How people read each state (CLI STATUS column, console badge). */
export const keyStateLabels: Record<KeyState, string> = {
  active: "active",
  revoked: "revoked",
  expired: "expired",
  unverified: "unverified",
  locked: "locked",
  user_disabled: "owner disabled",
  policy: "breaks policy",
};
