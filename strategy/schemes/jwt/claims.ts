import { AuthError } from "../../errors.js";

export interface CheckedClaims {
  username: string;
  time: number;
  nonce: string;
}

const maxNonceLength = 256;

/**
 * Checks asymmetric-jwt-auth's claims after the signature verified, with upstream's
 * rules: username/time/nonce truthy; |now − time| ≤ tolerance, inclusive, fractional
 * seconds allowed; registered claims enforced when present as PyJWT does (expired
 * `exp`, future `nbf`, and any `aud`, since no audience is configured).
 */
export function checkClaims(claims: Readonly<Record<string, unknown>>, nowMs: number, toleranceSeconds: number): CheckedClaims {
  const { username, time, nonce } = claims;
  const now = nowMs / 1000;
  if (time === undefined || time === null) throw new AuthError("missing_claim", "the JWT has no time claim");
  if (typeof time !== "number" || !Number.isFinite(time) || time <= 0) {
    throw new AuthError("invalid_claim", "the JWT time claim must be positive UNIX seconds");
  }
  if (nonce === undefined || nonce === null || nonce === "" || nonce === 0) {
    throw new AuthError("missing_claim", "the JWT has no nonce claim");
  }
  if ((typeof nonce !== "string" && typeof nonce !== "number") || String(nonce).length > maxNonceLength) {
    throw new AuthError("invalid_claim", "the JWT nonce claim must be a short string or number");
  }
  if (claims.aud !== undefined) throw new AuthError("invalid_claim", "the JWT has an aud claim, which this server does not accept");
  if (claims.exp !== undefined) {
    if (typeof claims.exp !== "number") throw new AuthError("invalid_claim", "the JWT exp claim is not a number");
    if (claims.exp <= now) throw new AuthError("token_expired", "the JWT has expired (exp)");
  }
  if (claims.nbf !== undefined) {
    if (typeof claims.nbf !== "number") throw new AuthError("invalid_claim", "the JWT nbf claim is not a number");
    if (claims.nbf > now) throw new AuthError("clock_skew", "the JWT is not valid yet (nbf)");
  }
  const skew = now - time;
  if (Math.abs(skew) > toleranceSeconds) {
    throw new AuthError(
      "clock_skew",
      `the JWT time is ${Math.abs(skew).toFixed(0)} s ${skew > 0 ? "old" : "in the future"}; at most ${toleranceSeconds} s is accepted`,
      { detail: { skewSeconds: skew } },
    );
  }
  return { username: username as string, time, nonce: String(nonce) };
}
