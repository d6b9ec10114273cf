/**
 * The one error family. Everything the library throws because of its input or the state it
 * found (a refused credential, key text, console request or directory change, a client that
 * cannot sign) is an SshKeyError: a stable `code` callers may switch on, a human message, and
 * typed `detail`. Programmer mistakes (bad options) are TypeErrors; infrastructure faults are
 * plain Errors.
 */
export class SshKeyError<Code extends string = string, Detail = Readonly<Record<string, unknown>>> extends Error {
  override readonly name: string = "SshKeyError";
  readonly detail: Detail | undefined;
  constructor(
    readonly code: Code,
    message: string,
    options?: { cause?: unknown; detail?: Detail | undefined },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.detail = options?.detail;
  }
}

export function isSshKeyError(value: unknown): value is SshKeyError {
  return value instanceof SshKeyError;
}

/**
 * Every way an authentication can fail, with a stable code callers may switch on.
 * Codes never change meaning; new ones may be added. The HTTP mapping lives in
 * http/error-response.ts and nowhere else.
 */
export const authErrorCodes = [
  // The Authorization header itself.
  "missing_credentials",
  "malformed_header",
  "unsupported_scheme",
  "credentials_too_large",
  // Token structure.
  "malformed_token",
  "unsupported_version",
  "alg_not_allowed",
  "missing_claim",
  "invalid_claim",
  "invalid_audience",
  // Key lookup and key state.
  "unknown_key",
  "key_revoked",
  "key_expired",
  "key_unverified",
  "user_disabled",
  // Locked after consecutive failed attempts naming it (core/lockout.ts); Retry-After says until when.
  "key_locked",
  // A key that breaks the instance key policy (strategy/policy/): the message names the rule.
  "key_policy",
  // A key stored with authorized_keys `from="…"` used from an address it does not allow.
  "source_address_not_allowed",
  // Proof.
  "bad_signature",
  "fingerprint_mismatch",
  "clock_skew",
  "token_expired",
  "replayed",
  "binding_mismatch",
  // A verified sshauth token whose request binding does not fit the server's setting.
  "binding_not_enabled",
  "binding_required",
  "wrong_server",
  // SSHSIG: the blob was signed for another namespace, or with a hash other than sha256/sha512.
  "namespace_mismatch",
  "unsupported_hash",
  // A security key's signature without the user-presence (touch) or user-verified (PIN) flag
  // its key or policy requires, or whose signature counter went backwards (a cloned key?).
  "user_presence_required",
  "user_verification_required",
  "sign_counter_regressed",
  // OpenSSH user certificates (SSHSIG): verified by a trusted CA but not usable for this login.
  "certificate_revoked",
  "certificate_not_user",
  "certificate_expired",
  "certificate_not_yet_valid",
  "certificate_principal_mismatch",
  "certificate_source_address",
  "certificate_option_unsupported",
  // RFC 9421 HTTP Message Signatures. The fields themselves: not RFC 8941 dictionaries of the
  // right shape, a label in one of Signature-Input / Signature but not the other, more
  // signatures than are tried, none under the label the server asks for.
  "signature_input_malformed",
  "signature_malformed",
  "signature_missing",
  "signature_input_missing",
  "too_many_signatures",
  "label_not_found",
  // What a signature covers: a component this server cannot derive, one the request does not
  // have, or one the server requires that the signature leaves out.
  "component_unknown",
  "component_missing",
  "component_not_covered",
  // Its parameters: one not registered, no created or nonce, a keyid that is not an SSH
  // SHA256 fingerprint, an alg other than the signing key's.
  "param_unknown",
  "created_missing",
  "nonce_missing",
  "keyid_malformed",
  "alg_mismatch",
  // The body's Content-Digest (RFC 9530): absent though there is a body, not a dictionary of
  // byte sequences, no sha-256 or sha-512 in it, or not the digest of this body.
  "digest_missing",
  "digest_malformed",
  "digest_unsupported",
  "digest_mismatch",
  // A body a parser already turned into an object: its exact bytes cannot be hashed.
  "body_unavailable",
  // A body larger than the strategy reads to hash it.
  "body_too_large",
  // A JWT whose kid names no stored key, for a user who trusts JWKS URLs, none of which could be read
  // (unreachable, too slow, too large, not a JWK set): undecided, never accepted.
  "jwks_unavailable",
  // Too many failed signature checks for this username lately (Retry-After says when to retry).
  "too_many_failures",
  // The key's own rate limit (sign-ins per window) is used up; Retry-After says when the window ends.
  "rate_limited",
  // The route asks for a scope the key does not carry (RFC 6750 §3.1: 403).
  "insufficient_scope",
  // The verify callback refused the user.
  "rejected",
  // What strangers see instead of unknown_key and bad_signature (see http/error-response.ts).
  "invalid_credentials",
] as const;

export type AuthErrorCode = (typeof authErrorCodes)[number];

/**
 * What a refusal knows beyond its code. The named fields are read by the adapters: the
 * event log's user and key, and the Retry-After of `too_many_failures`. The others are
 * facts for logs and tests (the part of a message that failed, a measured skew); clients
 * never see any of it.
 */
export interface AuthErrorDetail {
  /** The user whose key verified the credential (set once a signature verified). */
  readonly userId?: string | undefined;
  /** The key that verified the credential. */
  readonly keyId?: string | undefined;
  /** Seconds after which a throttled username may be tried again. */
  readonly retryAfterSeconds?: number | undefined;
  readonly [fact: string]: unknown;
}

/** An authentication failure caused by the request. Infrastructure faults are plain Errors. */
export class AuthError extends SshKeyError<AuthErrorCode, AuthErrorDetail> {
  override readonly name = "AuthError";
}

export function isAuthError(value: unknown): value is AuthError {
  return value instanceof AuthError;
}
