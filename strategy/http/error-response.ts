import type { AuthErrorCode } from "../errors.js";
import type { z } from "zod";
import type { ErrorBodyJson } from "../contract/errors.js";

/** The one table from failure code to HTTP status. Everything not listed is 401. */
const badRequestCodes: ReadonlySet<AuthErrorCode> = new Set<AuthErrorCode>([
  "malformed_header",
  "malformed_token",
  "body_unavailable",
  // RFC 9421: a request whose signature fields cannot be read as such. A signature that can be
  // read but does not meet the server's requirements is a 401 with Accept-Signature.
  "signature_input_malformed",
  "signature_malformed",
  "signature_missing",
  "signature_input_missing",
  "too_many_signatures",
  "component_unknown",
  "component_missing",
  "param_unknown",
  "keyid_malformed",
  "digest_malformed",
]);

const statusOverrides: Partial<Record<AuthErrorCode, number>> = {
  credentials_too_large: 413,
  body_too_large: 413,
  too_many_failures: 429,
  rate_limited: 429,
  // RFC 6750 §3.1: the credential is good, the key may not do this.
  insufficient_scope: 403,
  // The credential could not be checked, not found wrong: 503 with Retry-After tells a client to
  // retry rather than to drop its token, as a 401 would. It reveals only that the claimed user
  // trusts a JWKS URL that is down, to a caller whose token names a kid that user does not store.
  jwks_unavailable: 503,
};

/** Refusals of a key that signed in well but may not do this now: their status holds for every scheme. */
const keepStatusCodes: ReadonlySet<AuthErrorCode> = new Set<AuthErrorCode>(["insufficient_scope", "rate_limited"]);

/**
 * Status for a failure code. Schemes whose real clients only retry on 401
 * (crtauth) ask for `alwaysUnauthorized`.
 */
export function statusForCode(code: AuthErrorCode, alwaysUnauthorized = false): number {
  // Signing in again cannot help with these, so a 401 would only start a client's retry loop.
  if (alwaysUnauthorized && !keepStatusCodes.has(code)) return 401;
  return statusOverrides[code] ?? (badRequestCodes.has(code) ? 400 : 401);
}

/**
 * Refusals decided before any signature verified: told apart, they would say whether a
 * user exists and which keys it holds (unknown user, no key of that type, wrong key). The
 * caller has proved nothing yet, so all of them answer one public failure. Refusals after
 * the signature verified (revoked, expired, disabled, skew, replay, …) keep their codes:
 * the caller holds the key.
 */
const concealedCodes: ReadonlySet<AuthErrorCode> = new Set<AuthErrorCode>(["unknown_key", "bad_signature"]);

const invalidCredentialsMessage = "the credentials were not accepted";

/**
 * What a client is told about a refusal: the precise code and message, except for the
 * concealed codes, which become `invalid_credentials` unless `exposeErrorCodes` (a
 * development option) is on. The event log always keeps the precise code.
 */
export function publicRefusal(code: AuthErrorCode, message: string, exposeErrorCodes = false): { code: AuthErrorCode; message: string } {
  if (exposeErrorCodes || !concealedCodes.has(code)) return { code, message };
  return { code: "invalid_credentials", message: invalidCredentialsMessage };
}

/** RFC 6750-style `error=` attribute for a challenge. */
function challengeErrorFor(code: AuthErrorCode): "invalid_request" | "invalid_token" | "insufficient_scope" {
  if (code === "insufficient_scope") return code;
  return badRequestCodes.has(code) || statusOverrides[code] === 413 ? "invalid_request" : "invalid_token";
}

/**
 * A codec's challenge with the refusal's RFC 6750-style error attributes, for WWW-Authenticate;
 * `scope` (RFC 6750 §3: the scopes the route needs) for `insufficient_scope`.
 */
export function challengeWithError(challenge: string, code: AuthErrorCode, message: string, scope?: readonly string[]): string {
  // A header value is ASCII: the clock-skew wording's "±" becomes "+/-".
  const description = message.replaceAll("±", "+/-").replace(/["\\]|[^\x20-\x7e]/g, "");
  // Scope names are checked tokens (core/key-limits.ts): nothing to escape.
  const scopes = scope && scope.length > 0 ? `, scope="${scope.join(" ")}"` : "";
  return `${challenge}, error="${challengeErrorFor(code)}", error_description="${description}"${scopes}`;
}

/** The one error body, as the contract describes it for the console and every other client. */
export type ErrorBody = z.input<typeof ErrorBodyJson>;

export function errorBody(code: string, message: string): ErrorBody {
  return { error: { code, message } };
}
