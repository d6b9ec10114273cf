import { AuthError } from "../errors.js";
import type { KeyCandidate } from "../store/ports.js";

/**
 * A bearer token must not outlive a disable: once the account changed (disabled, then
 * re-enabled), tokens minted before are refused, in whole seconds as tokens count time.
 */
export function refuseIfIssuedBeforeAccountChange(issuedAtSeconds: number, signer: KeyCandidate, what: string): void {
  const changedAt = signer.user.changedAt;
  if (changedAt && issuedAtSeconds < Math.floor(changedAt.getTime() / 1000)) {
    throw new AuthError("token_expired", `this ${what} was issued before the account last changed`, { detail: { userId: signer.user.id } });
  }
}
