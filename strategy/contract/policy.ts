// The instance key policy: what is stored (Setting "key-policy"), what GET/PUT /api/policy carry,
// and what the CLI's `policy set` builds. One schema checks it on every read and every write.
import { z } from "zod";
import { policyCurveNames, policyMaxDays, policyRsaBitsRange, policyTypeNames } from "../policy/names.js";

const days = z.number().int().min(1).max(policyMaxDays).nullable();

function noRepeats<T>(list: readonly T[]): boolean {
  return new Set(list).size === list.length;
}

/** The whole policy, every field present (as stored and as answered). */
export const KeyPolicyJson = z.strictObject({
  /** Key types that may be stored and sign in. */
  keyTypes: z.array(z.enum(policyTypeNames)).min(1, "allow at least one key type").refine(noRepeats, "a key type is named twice"),
  /** Smallest RSA modulus, in bits. */
  minRsaBits: z.number().int().min(policyRsaBitsRange.min).max(policyRsaBitsRange.max),
  /** Curves ECDSA keys (plain and security keys) may use. */
  ecdsaCurves: z.array(z.enum(policyCurveNames)).min(1, "allow at least one curve").refine(noRepeats, "a curve is named twice"),
  /** New keys expire this many days after they are added; older keys stop signing in. Null: no limit. */
  maxKeyLifetimeDays: days,
  /** Keys not used for this many days (since added, when never used) stop signing in. Null: never. */
  disableUnusedAfterDays: days,
  /** Administrators sign in with security keys (sk-*) only. */
  requireSecurityKeysForAdmins: z.boolean(),
});
export type KeyPolicy = z.infer<typeof KeyPolicyJson>;

/** A change: any of the fields; absent ones keep their value. */
export const KeyPolicyChange = KeyPolicyJson.partial();
export type KeyPolicyChange = z.infer<typeof KeyPolicyChange>;

/** What an instance applies until someone sets a policy: everything the codec accepts. */
export const defaultKeyPolicy: Readonly<KeyPolicy> = Object.freeze({
  keyTypes: [...policyTypeNames],
  minRsaBits: policyRsaBitsRange.min,
  ecdsaCurves: [...policyCurveNames],
  maxKeyLifetimeDays: null,
  disableUnusedAfterDays: null,
  requireSecurityKeysForAdmins: false,
});

/** GET /api/policy and the answer to PUT. */
export const KeyPolicyResponse = z.strictObject({
  /** The policy in force; the defaults while `storedError` is set (sign-ins are then refused, see below). */
  policy: KeyPolicyJson,
  /** Why the stored policy could not be read: every sign-in is refused with key_policy until it is set again. */
  storedError: z.string().nullable(),
  /** Stored keys that break the policy now (administrators only; null for others). */
  breakingKeys: z.number().int().nullable(),
});
export type KeyPolicyResponse = z.infer<typeof KeyPolicyResponse>;
