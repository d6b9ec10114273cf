import { AuthError } from "../errors.js";
import type { KeyCandidate } from "../store/ports.js";

export type KeyState = "active" | "revoked" | "expired" | "user_disabled";

export function keyState(candidate: KeyCandidate, nowMs: number): KeyState {
  if (candidate.key.revokedAt) return "revoked";
  if (candidate.key.expiresAt && candidate.key.expiresAt.getTime() <= nowMs) return "expired";
  if (candidate.user.disabled) return "user_disabled";
  return "active";
}

const refusals: Record<Exclude<KeyState, "active">, [code: "key_revoked" | "key_expired" | "user_disabled", message: string]> = {
  revoked: ["key_revoked", "the key that signed this credential has been revoked"],
  expired: ["key_expired", "the key that signed this credential has expired"],
  user_disabled: ["user_disabled", "the account is disabled"],
};

/** The refusal for a key that verified but may not be used; names user and key for the event log. */
export function refusalFor(candidate: KeyCandidate, state: Exclude<KeyState, "active">): AuthError {
  const [code, message] = refusals[state];
  return new AuthError(code, message, { detail: { userId: candidate.user.id, keyId: candidate.key.id } });
}

/**
 * Returns the first candidate whose signature check passes, trying usable keys first.
 * Unusable keys (revoked, expired, disabled owner) are tried only after every usable
 * one failed, so a refusal names the real reason without costing the success path.
 * Returns null when no key verifies.
 */
export function findSigningKey(
  candidates: readonly KeyCandidate[],
  nowMs: number,
  verifies: (candidate: KeyCandidate) => boolean,
): KeyCandidate | null {
  const inactive: [KeyCandidate, Exclude<KeyState, "active">][] = [];
  for (const candidate of candidates) {
    const state = keyState(candidate, nowMs);
    if (state !== "active") inactive.push([candidate, state]);
    else if (verifies(candidate)) return candidate;
  }
  for (const [candidate, state] of inactive) {
    if (verifies(candidate)) throw refusalFor(candidate, state);
  }
  return null;
}
