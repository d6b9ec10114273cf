import crypto, { type KeyObject } from "node:crypto";
import type { JwsAlgorithm } from "./algorithms.js";
import type { UnverifiedJwt } from "./decode.js";

/**
 * Verifies a JWS signature with node:crypto directly. jose's jwtVerify goes through
 * WebCrypto and runs at a fraction of a raw RSA verify (npm run bench measures both); this is
 * the request hot path, and the algorithm policy is enforced by the caller either way.
 */
export function verifyJwsSignature(jwt: UnverifiedJwt, key: KeyObject, algorithm: JwsAlgorithm): boolean {
  if (algorithm.signatureLength !== undefined && jwt.signature.length !== algorithm.signatureLength) return false;
  try {
    return crypto.verify(algorithm.hash, jwt.signingInput, algorithm.ecdsa ? { key, dsaEncoding: "ieee-p1363" } : key, jwt.signature);
  } catch {
    // A key/alg pairing the policy should have excluded; never a pass.
    return false;
  }
}
