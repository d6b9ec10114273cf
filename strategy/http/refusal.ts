import type { AnyCodec } from "../core/codec.js";
import type { AuthError, AuthErrorCode } from "../errors.js";
import { challengeWithError, publicRefusal, statusForCode } from "./error-response.js";

/**
 * How a refusal is answered over HTTP, whatever the framework: the status, the public code and
 * message for the JSON body, the WWW-Authenticate value (sent on a 401 only, as passport does)
 * and the other headers (Retry-After, a codec's challenge headers on a 401).
 */
export interface HttpRefusal {
  readonly status: number;
  readonly code: AuthErrorCode;
  readonly message: string;
  readonly challenge: string;
  readonly headers: Readonly<Record<string, string>>;
}

/**
 * The answer to `error` from `scheme` (null: no codec claimed the request, so every enabled
 * codec's challenge is offered). `exposeErrorCodes` is the development option (see publicRefusal).
 */
export function httpRefusal(schemes: readonly AnyCodec[], scheme: AnyCodec | null, error: AuthError, exposeErrorCodes: boolean): HttpRefusal {
  const { code, message } = publicRefusal(error.code, error.message, exposeErrorCodes);
  const status = statusForCode(code, scheme?.alwaysUnauthorized);
  const headers: Record<string, string> = {};
  const retryAfter = error.detail?.retryAfterSeconds;
  if (typeof retryAfter === "number") headers["Retry-After"] = String(retryAfter);
  if (status === 401) {
    for (const challenged of scheme ? [scheme] : schemes) Object.assign(headers, challenged.challengeHeaders);
  }
  const scope = code === "insufficient_scope" ? (error.detail?.requiredScopes as readonly string[] | undefined) : undefined;
  const challenge = scheme ? challengeWithError(scheme.challenge, code, message, scope) : schemes.map((s) => s.challenge).join(", ");
  // RFC 6750 §3 wants the challenge on insufficient_scope's 403 too, where passport sets none.
  if (status === 403) headers["WWW-Authenticate"] = challenge;
  return { status, code, message, challenge, headers };
}
