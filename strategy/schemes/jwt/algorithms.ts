import { jwsAlgorithms, type JwsAlgorithm } from "../../keys/algorithms.js";

export type { JwsAlgorithm } from "../../keys/algorithms.js";

/**
 * The verifier's algorithm policy: a JWS `alg` is accepted only when it is a row of the
 * table in keys/algorithms.ts (so never none, HS* or PS*), and then only with a key of the
 * row's type. The lookup is by own property, so `__proto__` or `toString` name nothing.
 */
export function lookupJwsAlgorithm(alg: string): JwsAlgorithm | undefined {
  return Object.hasOwn(jwsAlgorithms, alg) ? jwsAlgorithms[alg as keyof typeof jwsAlgorithms] : undefined;
}
