// The admin API's refusals: every code it answers with, the one HTTP status each code has, and
// the typed detail a few of them carry beside `code` and `message`. The server's error handler
// and the console both read this table; a throw site names a code, never a status.
import { z } from "zod";
import { PreviewEntryJson } from "./responses.js";

/** Admin error code → HTTP status. */
export const adminErrors = {
  // The request itself.
  invalid_request: 400,
  invalid_body: 400,
  malformed_json: 400,
  invalid_cursor: 400,
  invalid_keys: 400,
  private_key: 400,
  invalid_key: 400,
  invalid_source: 400,
  possession_not_proven: 400,
  /**
   * A key added breaks the instance key policy; the message names the rule. (A console sign-in
   * with a stored key that breaks it is the strategy's 401 key_policy.)
   */
  breaks_key_policy: 400,
  body_too_large: 413,
  // Who is asking.
  unauthenticated: 401,
  session_expired: 401,
  // Known, but not allowed: a disabled user is known (and told so), not merely signed out.
  user_disabled: 403,
  csrf_failed: 403,
  cross_origin: 403,
  forbidden: 403,
  // What it names.
  not_found: 404,
  key_not_found: 404,
  user_not_found: 404,
  link_invalid: 400,
  link_expired: 410,
  link_used: 410,
  authority_not_found: 404,
  jwks_endpoint_not_found: 404,
  key_source_not_found: 404,
  webhook_not_found: 404,
  /** The import source's upstream knows no such login or list. */
  upstream_not_found: 404,
  // The state it would change.
  conflict: 409,
  user_exists: 409,
  username_confusable: 409,
  key_exists: 409,
  authority_exists: 409,
  jwks_endpoint_exists: 409,
  webhook_exists: 409,
  too_many_jwks_endpoints: 409,
  too_many_key_sources: 409,
  key_verified: 409,
  too_many_keys: 409,
  already_revoked: 409,
  cannot_change_self: 409,
  /** LDAP keys change in LDAP: the console may only revoke them. */
  key_managed_by_ldap: 409,
  rate_limited: 429,
  /** The import source's upstream rate-limited us (Retry-After says when to sync again). */
  upstream_rate_limited: 429,
  // The server.
  internal_error: 500,
  unavailable: 503,
  /** The change was made, but its audit entry could not be written (the server logs the entry it lost). */
  audit_unrecorded: 503,
  /** The import source's list could not be read (unreachable, too slow, too large, not a key list). */
  upstream_unavailable: 503,
  console_not_built: 503,
} as const satisfies Record<string, number>;

export type AdminErrorCode = keyof typeof adminErrors;

export function isAdminErrorCode(code: string): code is AdminErrorCode {
  return Object.hasOwn(adminErrors, code);
}

/** The extra fields some refusals carry next to code and message. */
export const adminErrorDetail = {
  /** Every entry of the paste, so the console can mark the lines that cannot be added. */
  invalid_keys: z.strictObject({ keys: z.array(PreviewEntryJson) }),
  /** The paste's entries when the private key was in the key text; nothing when it was in a comment. */
  private_key: z.strictObject({ keys: z.array(PreviewEntryJson).optional() }),
  /** Seconds until a sign-in attempt is admitted again (also in Retry-After). */
  rate_limited: z.strictObject({ retryAfter: z.number().int().positive() }),
  /** Seconds until the source may be synced (also in Retry-After), and that instant. */
  upstream_rate_limited: z.strictObject({ retryAfter: z.number().int().positive(), retryAt: z.string() }),
} satisfies Partial<Record<AdminErrorCode, z.ZodType>>;

type DetailedCode = keyof typeof adminErrorDetail;

/** What a refusal with `code` carries beside code and message (nothing for most codes). */
export type AdminErrorDetail<Code extends string> = Code extends DetailedCode ? z.input<(typeof adminErrorDetail)[Code]> : never;

/** `{"error":{"code","message",…detail}}`: every refusal of the admin API (and of the strategy). */
export const ErrorBodyJson = z.strictObject({
  error: z.looseObject({ code: z.string(), message: z.string() }),
});
