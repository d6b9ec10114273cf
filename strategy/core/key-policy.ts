import { AuthError } from "../errors.js";
import type { KeyPolicy } from "../contract/policy.js";
import { keyPolicyBreaks, signInBreak, type PolicyBreak, type PolicyKeyFacts } from "../policy/rules.js";
import type { KeyPolicyReading, KeyPolicySource } from "../policy/setting.js";
import type { KeyCandidate, StoredKey } from "../store/ports.js";
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

/**
 * Refuses a verified key that breaks the instance key policy with `key_policy`, naming the rule.
 * A stored policy that cannot be read refuses every key (fail closed) until it is set again.
 */
export function checkKeyPolicy(source: KeyPolicySource | undefined, signer: KeyCandidate, nowMs: number): void | Promise<void> {
  if (!source) return;
  const reading = source.current();
  if ("then" in reading) return reading.then((found) => checkReading(found, signer, nowMs));
  checkReading(reading, signer, nowMs);
}

function checkReading(reading: KeyPolicyReading, signer: KeyCandidate, nowMs: number): void {
  const refusal = keyStateRefusals.policy;
  const detail = () => ({ userId: signer.user.id, keyId: storedKeyId(signer.key) ?? undefined });
  if (reading.error !== null) {
    throw new AuthError(refusal.code, `${refusal.message}: the key policy cannot be read; an administrator must set it again`, { detail: detail() });
  }
  const found = signInBreakOf(reading.policy, signer, nowMs);
  if (found) throw new AuthError(refusal.code, `${refusal.message}: ${found.message}`, { detail: detail() });
}

interface KnownAnswer {
  readonly ownerIsAdmin: boolean;
  readonly found: PolicyBreak | null;
}

/**
 * Without its time rules (lifetime, disuse) the policy gives a key the same answer on every
 * request: kept per policy reading and stored key (both live as long as their caches keep
 * them), rather than the rules run and their facts built for every sign-in.
 */
const timelessAnswers = new WeakMap<KeyPolicy, WeakMap<StoredKey, KnownAnswer>>();

function signInBreakOf(policy: KeyPolicy, signer: KeyCandidate, nowMs: number): PolicyBreak | null {
  if (policy.maxKeyLifetimeDays !== null || policy.disableUnusedAfterDays !== null) return signInBreak(keyPolicyBreaks(policy, factsOf(signer), nowMs));
  let answers = timelessAnswers.get(policy);
  if (answers === undefined) timelessAnswers.set(policy, (answers = new WeakMap()));
  const known = answers.get(signer.key);
  if (known !== undefined && known.ownerIsAdmin === signer.user.isAdmin) return known.found;
  const found = signInBreak(keyPolicyBreaks(policy, factsOf(signer), nowMs));
  answers.set(signer.key, { ownerIsAdmin: signer.user.isAdmin, found });
  return found;
}
