// The words beside each code of the authentication log: one table, read by the admin API (its
// event JSON and CSV carry `reason`) and by the console. Key-state refusals keep the words the
// verifier answers with (core/key-state.ts). Pure data: the console bundles this file.
import { keyStateRefusals } from "../core/key-state.js";
import type { AuthErrorCode } from "../errors.js";

const keyState = Object.fromEntries(Object.values(keyStateRefusals).map((r) => [r.code, r.message])) as Record<
  (typeof keyStateRefusals)[keyof typeof keyStateRefusals]["code"],
  string
>;

/** Auth error code → what it means, for people reading the log. */
export const authReasons: Record<AuthErrorCode, string> = {
  missing_credentials: "no credential was sent",
  malformed_header: "the Authorization header is not one this server reads",
  unsupported_scheme: "the server does not accept this kind of credential",
  credentials_too_large: "the credential is too large",
  malformed_token: "the token is malformed",
  unsupported_version: "the token's version is not supported",
  alg_not_allowed: "the signature algorithm is not accepted",
  missing_claim: "the token lacks a required claim",
  invalid_claim: "a claim of the token is invalid",
  invalid_audience: "the token was made for another service (aud)",
  unknown_key: "no registered key matches (unknown user, or a key that was deleted or never added)",
  ...keyState,
  source_address_not_allowed: "the key's from= does not allow this client address",
  rate_limited: "the key's rate limit was reached; it may sign in again when the window ends",
  insufficient_scope: "the key lacks a scope this route requires",
  bad_signature: "the signature does not match the user's keys",
  fingerprint_mismatch: "the key fingerprint does not match the signature",
  clock_skew: "the client's clock is too far from the server's",
  token_expired: "the token has expired",
  replayed: "this credential was already used once",
  binding_mismatch: "the signature is bound to another request",
  binding_not_enabled: "the token is bound to a request, but this server does not bind",
  binding_required: "this server needs tokens bound to the request",
  wrong_server: "the credential was made for another server",
  namespace_mismatch: "the signature was made for another namespace",
  unsupported_hash: "the signature's hash is not accepted",
  user_presence_required: "the security key was not touched",
  user_verification_required: "the security key's PIN or biometric was not used",
  sign_counter_regressed: "the security key's counter went backwards (a cloned key?)",
  certificate_revoked: "the certificate is revoked",
  certificate_not_user: "the certificate is not a user certificate",
  certificate_expired: "the certificate has expired",
  certificate_not_yet_valid: "the certificate is not valid yet",
  certificate_principal_mismatch: "the certificate does not name this user",
  certificate_source_address: "the certificate's source-address does not allow this client",
  certificate_option_unsupported: "the certificate has a critical option this server does not support",
  signature_input_malformed: "the Signature-Input header is malformed",
  signature_malformed: "the Signature header is malformed",
  signature_missing: "a Signature-Input label has no signature",
  signature_input_missing: "a signature has no Signature-Input",
  too_many_signatures: "the request carries too many signatures",
  label_not_found: "no signature under the label the server asks for",
  component_unknown: "the signature covers an unknown component",
  component_missing: "a covered component is missing from the request",
  component_not_covered: "the signature does not cover what the server requires",
  param_unknown: "the signature has an unknown parameter",
  created_missing: "the signature has no created time",
  nonce_missing: "the signature has no nonce",
  keyid_malformed: "the signature's keyid is not a key fingerprint",
  alg_mismatch: "the signature's alg is not the key's algorithm",
  digest_missing: "the request body is not covered by a Content-Digest",
  digest_malformed: "the Content-Digest header is malformed",
  digest_unsupported: "the Content-Digest algorithm is not supported",
  digest_mismatch: "the body does not match its Content-Digest",
  body_unavailable: "the request body could not be read",
  body_too_large: "the request body is too large to verify",
  jwks_unavailable: "a JWKS the user trusts could not be read",
  too_many_failures: "too many failed sign-ins for this user; throttled",
  rejected: "the application refused the user",
  invalid_credentials: "the credential was refused",
};

/** The words for a logged code; null for none (a success) or a code this table does not know. */
export function authReasonOf(code: string | null): string | null {
  return code !== null && Object.hasOwn(authReasons, code) ? authReasons[code as AuthErrorCode] : null;
}
