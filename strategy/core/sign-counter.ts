import { AuthError } from "../errors.js";
import type { EventSink, KeyCandidate, KeyStore } from "../store/ports.js";
import { authEventFrom } from "./auth-event.js";
import type { SignCounterClaim } from "./codec.js";
import type { RequestView } from "./request-view.js";

function claimOf(proof: unknown): SignCounterClaim | null {
  if (typeof proof !== "object" || proof === null || !("signCounter" in proof)) return null;
  return (proof as { signCounter: SignCounterClaim }).signCounter;
}

/**
 * Keeps the signature counter a proof reports (security keys). A counter that did not advance
 * means another copy of the key may be signing (WebAuthn §6.1.1): that is recorded as an
 * "alarm" event of its own, beside the credential's one event, and refused when the codec's
 * policy says so. Runs after the replay check, so a replayed signature is refused as that.
 */
export function keepSignCounter(
  proof: unknown,
  signer: KeyCandidate,
  deps: { readonly keys: KeyStore; readonly events: EventSink; now(): number },
  request: RequestView,
  scheme: string,
): void | Promise<void> {
  const claim = claimOf(proof);
  // A certified key has no row to keep a counter in: its certificate's lifetime bounds a clone instead.
  if (signer.key.certifiedBy !== undefined || claim === null) return;
  // Only a proof that reports a counter (a security key) waits for the store.
  return advance(claim, signer, deps, request, scheme);
}

async function advance(
  claim: SignCounterClaim,
  signer: KeyCandidate,
  deps: { readonly keys: KeyStore; readonly events: EventSink; now(): number },
  request: RequestView,
  scheme: string,
): Promise<void> {
  if (await deps.keys.advanceSignCounter(signer.key.id, claim.value)) return;
  deps.events.record(
    authEventFrom(request, deps.now(), {
      scheme,
      outcome: "alarm",
      errorCode: "sign_counter_regressed",
      userId: signer.user.id,
      username: signer.user.username,
      keyId: signer.key.id,
    }),
  );
  if (claim.onRegression === "refuse") {
    throw new AuthError("sign_counter_regressed", "the security key's signature counter did not advance: the key may have been cloned", {
      detail: { userId: signer.user.id, keyId: signer.key.id, counter: claim.value },
    });
  }
}
