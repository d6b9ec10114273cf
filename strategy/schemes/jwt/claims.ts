import { clockRefusal } from "../../core/clock-skew.js";
import { AuthError } from "../../errors.js";

export interface CheckedClaims {
  username: string;
  time: number;
  nonce: string;
}

const maxNonceLength = 256;

/** Python truthiness of a JSON value: PyJWT skips an `aud` that is null, false, 0, "", [] or {}. */
function pythonFalsy(value: unknown): boolean {
  if (value === null || value === false || value === 0 || value === "") return true;
  if (Array.isArray(value)) return value.length === 0;
  return typeof value === "object" && Object.keys(value as object).length === 0;
}

/**
 * PyJWT 2's `_validate_aud`, with `invalid_audience` for each of its refusals: without a
 * configured audience a token must carry no (or a falsy) `aud`; with one, `aud` must be a
 * string or a list of strings sharing at least one value with it.
 */
function checkAudience(aud: unknown, audience: readonly string[] | undefined): void {
  if (audience === undefined) {
    if (aud === undefined || pythonFalsy(aud)) return;
    throw new AuthError("invalid_audience", "the JWT has an aud claim, and this server expects none");
  }
  if (aud === undefined || pythonFalsy(aud)) throw new AuthError("invalid_audience", "the JWT has no aud claim naming this service");
  const claimed = typeof aud === "string" ? [aud] : aud;
  if (!Array.isArray(claimed) || claimed.some((a) => typeof a !== "string")) {
    throw new AuthError("invalid_audience", "the JWT aud claim must be a string or a list of strings");
  }
  if (!audience.some((a) => (claimed as string[]).includes(a))) {
    throw new AuthError("invalid_audience", "the JWT was made for another service (aud)");
  }
}

/**
 * Checks asymmetric-jwt-auth's claims after the signature verified, with upstream's
 * rules: username/time/nonce truthy; |now − time| ≤ tolerance, inclusive, fractional
 * seconds allowed; registered claims enforced when present as PyJWT does (expired
 * `exp`, future `nbf` or `iat`, a non-numeric `iat`, `aud` as checkAudience).
 */
export function checkClaims(claims: Readonly<Record<string, unknown>>, nowMs: number, toleranceSeconds: number, audience?: readonly string[]): CheckedClaims {
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
  checkAudience(claims.aud, audience);
  if (claims.iat !== undefined) {
    // PyJWT: a non-integer iat is InvalidIssuedAtError, iat > now is ImmatureSignatureError
    // (asymmetric-jwt-auth decodes with no leeway, against whole seconds).
    if (typeof claims.iat !== "number" || !Number.isFinite(claims.iat)) throw new AuthError("invalid_claim", "the JWT iat claim is not a number");
    if (claims.iat > Math.floor(now)) throw clockRefusal("clock_skew", { subject: "token iat", offsetSeconds: claims.iat - now, nowMs, allowed: { ahead: 0 } });
  }
  if (claims.exp !== undefined) {
    if (typeof claims.exp !== "number") throw new AuthError("invalid_claim", "the JWT exp claim is not a number");
    if (claims.exp <= now) throw clockRefusal("token_expired", { subject: "token exp", offsetSeconds: claims.exp - now, nowMs, allowed: { behind: 0 } });
  }
  if (claims.nbf !== undefined) {
    if (typeof claims.nbf !== "number") throw new AuthError("invalid_claim", "the JWT nbf claim is not a number");
    if (claims.nbf > now) throw clockRefusal("clock_skew", { subject: "token nbf", offsetSeconds: claims.nbf - now, nowMs, allowed: { ahead: 0 } });
  }
  if (Math.abs(now - time) > toleranceSeconds) {
    throw clockRefusal("clock_skew", { subject: "token time", offsetSeconds: time - now, nowMs, allowed: { either: toleranceSeconds } });
  }
  return { username: username as string, time, nonce: String(nonce) };
}
