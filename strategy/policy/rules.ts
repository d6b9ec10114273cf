/**
 * The instance key policy's rules: whether a key breaks them, and how the refusal reads. One
 * function for every path: uploads (console, CLI, imports) refuse on any break, sign-in refuses
 * on a break that `blocksSignIn`, the key list shows every break. Pure: the console bundles it.
 */
import type { KeyPolicy } from "../contract/policy.js";
import { isSshKeyType, sshKeyType } from "../keys/algorithms.js";

type PolicyRule = "key_types" | "min_rsa_bits" | "ecdsa_curves" | "max_key_lifetime" | "disable_unused" | "security_keys_for_admins" | "certificates";

export interface PolicyBreak {
  rule: PolicyRule;
  message: string;
  /** False for a key that breaks the lifetime rule only by its stored expiry: flagged, still usable until its lifetime is up. */
  blocksSignIn: boolean;
}

/** What the rules read of a key. */
export interface PolicyKeyFacts {
  type: string;
  bits: number;
  ownerIsAdmin: boolean;
  /** The certified key of an OpenSSH certificate: "cert" must be allowed, and lifetime and use are the certificate's business. */
  certificate?: boolean | undefined;
  /** Stored keys; absent for a key being added (and certificates, JWKS keys). */
  createdAt?: Date | string | null | undefined;
  lastUsedAt?: Date | string | null | undefined;
  expiresAt?: Date | string | null | undefined;
}

const dayMs = 86_400_000;

function ms(value: Date | string): number {
  return typeof value === "string" ? Date.parse(value) : value.getTime();
}

function day(at: number): string {
  return new Date(at).toISOString().slice(0, 10);
}

function typeBreaks(policy: KeyPolicy, key: PolicyKeyFacts): PolicyBreak[] {
  const breaks: PolicyBreak[] = [];
  const refuse = (rule: PolicyRule, message: string) => breaks.push({ rule, message, blocksSignIn: true });
  if (key.certificate && !policy.keyTypes.includes("cert")) refuse("certificates", "certificate logins are not allowed by the key policy");
  // A type outside the table cannot be stored or verified; the codec refuses it before any policy.
  if (!isSshKeyType(key.type)) return breaks;
  const info = sshKeyType(key.type);
  if (!policy.keyTypes.includes(info.policyName)) {
    const allowed = policy.keyTypes.filter((name) => name !== "cert").join(", ") || "none";
    refuse("key_types", `${info.label} keys (${info.policyName}) are not allowed by the key policy (allowed: ${allowed})`);
  }
  if (info.family === "rsa" && key.bits < policy.minRsaBits) {
    refuse("min_rsa_bits", `RSA keys must have at least ${policy.minRsaBits} bits (this key has ${key.bits})`);
  }
  if (info.curve !== null && !policy.ecdsaCurves.includes(info.curve)) {
    refuse("ecdsa_curves", `ECDSA keys must use ${policy.ecdsaCurves.join(" or ")} (this key uses ${info.curve})`);
  }
  if (key.ownerIsAdmin && policy.requireSecurityKeysForAdmins && !info.securityKey) {
    refuse("security_keys_for_admins", "administrators must sign in with security keys (sk-ed25519, sk-ecdsa) under the key policy");
  }
  return breaks;
}

function lifetimeBreak(policy: KeyPolicy, key: PolicyKeyFacts, nowMs: number): PolicyBreak | null {
  const limitDays = policy.maxKeyLifetimeDays;
  if (limitDays === null || key.certificate || !key.createdAt) return null;
  const endsAt = ms(key.createdAt) + limitDays * dayMs;
  if (endsAt <= nowMs) {
    const age = Math.floor((nowMs - ms(key.createdAt)) / dayMs);
    return { rule: "max_key_lifetime", message: `added ${age} days ago; the key policy limits keys to ${limitDays} days`, blocksSignIn: true };
  }
  if (key.expiresAt && ms(key.expiresAt) <= endsAt) return null;
  const why = key.expiresAt ? "expires after" : "has no expiry within";
  return {
    rule: "max_key_lifetime",
    message: `${why} the key policy's ${limitDays}-day lifetime; it stops signing in on ${day(endsAt)}`,
    blocksSignIn: false,
  };
}

function unusedBreak(policy: KeyPolicy, key: PolicyKeyFacts, nowMs: number): PolicyBreak | null {
  const limitDays = policy.disableUnusedAfterDays;
  const since = key.lastUsedAt ?? key.createdAt;
  if (limitDays === null || key.certificate || !since) return null;
  const idleDays = Math.floor((nowMs - ms(since)) / dayMs);
  if (idleDays < limitDays) return null;
  const idle = key.lastUsedAt ? `unused for ${idleDays} days` : `never used in the ${idleDays} days since it was added`;
  return { rule: "disable_unused", message: `${idle}; the key policy disables keys unused for ${limitDays} days`, blocksSignIn: true };
}

/** Every rule a stored key (or a certificate's key) breaks at `nowMs`. */
export function keyPolicyBreaks(policy: KeyPolicy, key: PolicyKeyFacts, nowMs: number): PolicyBreak[] {
  const breaks = typeBreaks(policy, key);
  for (const found of [lifetimeBreak(policy, key, nowMs), unusedBreak(policy, key, nowMs)]) if (found) breaks.push(found);
  return breaks;
}

/**
 * The rules a key being added breaks, with the expiry it gets: the one asked for, or the
 * policy's lifetime from now when none was asked; asking for a later one breaks the lifetime rule.
 */
export function newKeyPolicy(
  policy: KeyPolicy,
  key: Omit<PolicyKeyFacts, "createdAt" | "lastUsedAt" | "expiresAt">,
  requestedExpiry: Date | null | undefined,
  nowMs: number,
): { breaks: PolicyBreak[]; expiresAt: Date | null | undefined } {
  const breaks = typeBreaks(policy, key);
  const limitDays = policy.maxKeyLifetimeDays;
  if (limitDays === null) return { breaks, expiresAt: requestedExpiry };
  const latest = nowMs + limitDays * dayMs;
  if (requestedExpiry && requestedExpiry.getTime() > latest) {
    breaks.push({
      rule: "max_key_lifetime",
      message: `the expiry asked for (${day(requestedExpiry.getTime())}) is later than the key policy's ${limitDays}-day lifetime allows (${day(latest)})`,
      blocksSignIn: true,
    });
  }
  return { breaks, expiresAt: requestedExpiry ?? new Date(latest) };
}

/** The first break that refuses sign-in, or null. */
export function signInBreak(breaks: readonly PolicyBreak[]): PolicyBreak | null {
  return breaks.find((found) => found.blocksSignIn) ?? null;
}

/** How a list of breaks reads in one line: "breaks the key policy: …; …". */
export function describeBreaks(breaks: readonly PolicyBreak[]): string {
  return `breaks the key policy: ${breaks.map((found) => found.message).join("; ")}`;
}
