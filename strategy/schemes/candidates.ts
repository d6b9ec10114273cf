import { AuthError } from "../errors.js";
import type { KeyCandidate } from "../store/ports.js";

export type KeyState = "active" | "revoked" | "expired" | "user_disabled";

export function keyState(candidate: KeyCandidate, nowMs: number): KeyState {
  if (candidate.key.revokedAt) return "revoked";
  if (candidate.key.expiresAt && candidate.key.expiresAt.getTime() <= nowMs) return "expired";
  if (candidate.user.disabled) return "user_disabled";
  return "active";
}

const refusal: Record<Exclude<KeyState, "active">, () => AuthError> = {
  revoked: () => new AuthError("key_revoked", "the key that signed this credential has been revoked"),
  expired: () => new AuthError("key_expired", "the key that signed this credential has expired"),
  user_disabled: () => new AuthError("user_disabled", "the account is disabled"),
};

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
    if (verifies(candidate)) throw refusal[state]();
  }
  return null;
}
