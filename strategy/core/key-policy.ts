import { AuthError } from "../errors.js";
import { keyPolicyBreaks, signInBreak, type PolicyKeyFacts } from "../policy/rules.js";
import type { KeyPolicyReading, KeyPolicySource } from "../policy/setting.js";
import type { KeyCandidate } from "../store/ports.js";
import { storedKeyId } from "./auth-event.js";
import { keyStateRefusals } from "./key-state.js";

/** What the policy rules read of a verified key: a stored row's age and use; a certificate's or JWKS key's type only. */
function factsOf(signer: KeyCandidate): PolicyKeyFacts {
  const { key, user } = signer;
  const certificate = key.certifiedBy !== undefined;
  if (storedKeyId(key) === null) return { type: key.parsed.type, bits: key.parsed.bits, ownerIsAdmin: user.isAdmin, certificate };
  // Spelt out rather than spread: this runs once per request.
  return {
    type: key.parsed.type,
    bits: key.parsed.bits,
    ownerIsAdmin: user.isAdmin,
    certificate,
    createdAt: key.createdAt,
    lastUsedAt: key.lastUsedAt ?? null,
    expiresAt: key.expiresAt,
  };
}

// The reader hands out the same promise while its reading is fresh: once that promise has
// settled, its value is taken from here, so a sign-in does not wait a turn of the microtask
// queue for a policy already in hand. Weak: a replaced reading is dropped with its promise.
const settledReadings = new WeakMap<Promise<KeyPolicyReading>, KeyPolicyReading>();

function readingOf(source: KeyPolicySource): KeyPolicyReading | Promise<KeyPolicyReading> {
  const pending = source.current();
  const known = settledReadings.get(pending);
  if (known !== undefined) return known;
  return pending.then((reading) => {
    settledReadings.set(pending, reading);
    return reading;
  });
}

/**
 * Refuses a verified key that breaks the instance key policy with `key_policy`, naming the rule.
 * A stored policy that cannot be read refuses every key (fail closed) until it is set again.
 */
export function checkKeyPolicy(source: KeyPolicySource | undefined, signer: KeyCandidate, nowMs: number): void | Promise<void> {
  if (!source) return;
  const reading = readingOf(source);
  if ("then" in reading) return reading.then((found) => checkReading(found, signer, nowMs));
  checkReading(reading, signer, nowMs);
}

function checkReading(reading: KeyPolicyReading, signer: KeyCandidate, nowMs: number): void {
  const refusal = keyStateRefusals.policy;
  const detail = { userId: signer.user.id, keyId: storedKeyId(signer.key) ?? undefined };
  if (reading.error !== null) {
    throw new AuthError(refusal.code, `${refusal.message}: the key policy cannot be read; an administrator must set it again`, { detail });
  }
  const found = signInBreak(keyPolicyBreaks(reading.policy, factsOf(signer), nowMs));
  if (found) throw new AuthError(refusal.code, `${refusal.message}: ${found.message}`, { detail });
}
