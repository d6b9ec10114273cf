import type { AuthErrorCode } from "../errors.js";

/** The one table from failure code to HTTP status. Everything not listed is 401. */
const badRequestCodes: ReadonlySet<AuthErrorCode> = new Set<AuthErrorCode>([
  "malformed_header",
  "malformed_token",
]);

const statusOverrides: Partial<Record<AuthErrorCode, number>> = {
  credentials_too_large: 413,
  too_many_failures: 429,
};

/**
 * Status for a failure code. Schemes whose real clients only retry on 401
 * (crtauth) ask for `alwaysUnauthorized`.
 */
export function statusForCode(code: AuthErrorCode, alwaysUnauthorized = false): number {
  if (alwaysUnauthorized) return 401;
  return statusOverrides[code] ?? (badRequestCodes.has(code) ? 400 : 401);
}

/** RFC 6750-style `error=` attribute for a challenge. */
export function challengeErrorFor(code: AuthErrorCode): "invalid_request" | "invalid_token" {
  return badRequestCodes.has(code) || code === "credentials_too_large" ? "invalid_request" : "invalid_token";
}

export interface ErrorBody {
  error: { code: string; message: string };
}

export function errorBody(code: string, message: string): ErrorBody {
  return { error: { code, message } };
}
