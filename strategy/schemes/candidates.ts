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
 * Most signature checks one credential may cause. A credential that cannot name its key
 * (a JWT without kid, an sshauth token with only an identity, a crtauth response whose
 * key is not the one its challenge named) is tried against its user's keys, so without
 * a cap its cost would grow with the number of keys the account holds.
 */
export const maxCandidatesPerCredential = 8;

/** The candidates worth a signature check, usable keys first, at most `maxCandidatesPerCredential`. */
export function orderCandidates<C extends KeyCandidate>(candidates: readonly C[], nowMs: number): C[] {
  const active = candidates.filter((c) => keyState(c, nowMs) === "active");
  const inactive = candidates.filter((c) => keyState(c, nowMs) !== "active");
  return [...active, ...inactive].slice(0, maxCandidatesPerCredential);
}

/**
 * Returns the first candidate whose signature check passes, trying usable keys first.
 * Unusable keys (revoked, expired, disabled owner) are tried only after every usable
 * one failed, so a refusal names the real reason without costing the success path.
 * At most `maxCandidatesPerCredential` keys are tried. Returns null when none verifies.
 */
export function findSigningKey(
  candidates: readonly KeyCandidate[],
  nowMs: number,
  verifies: (candidate: KeyCandidate) => boolean,
): KeyCandidate | null {
  for (const candidate of orderCandidates(candidates, nowMs)) {
    if (!verifies(candidate)) continue;
    const state = keyState(candidate, nowMs);
    if (state !== "active") throw refusalFor(candidate, state);
    return candidate;
  }
  return null;
}
