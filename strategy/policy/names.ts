// The key policy's vocabulary, without zod, so the console bundles it: the names `policy set`
// and the console's policy page offer, and the bounds its numbers keep to.
import { policyKeyTypeNames } from "../keys/algorithms.js";
import type { EcCurve } from "../keys/types.js";

/** Key types by the policy's names; "cert" allows sign-in with OpenSSH certificates of a trusted CA. */
export const policyTypeNames = [...policyKeyTypeNames, "cert"] as const;

export const policyCurveNames = ["nistp256", "nistp384", "nistp521"] as const satisfies readonly EcCurve[];

/** RSA moduli the codec accepts at all (keys/policy.ts): a policy can only raise the floor inside this. */
export const policyRsaBitsRange = { min: 2048, max: 16384 } as const;
/** A hundred years: "no limit" is null, not a huge number. */
export const policyMaxDays = 36500;
