import { AuthError, isAuthError } from "../errors.js";
import type { FailureThrottle } from "../schemes/failure-throttle.js";
import type { AuditLog, CertificateAuthorityStore, EventSink, KeyCandidate, KeyLimitStore, KeyStore, ReplayStore } from "../store/ports.js";
import { attemptedCertificate, authEventFrom, certificateOf, jwksOf, jwksOfKey, storedKeyId, type CertificateFields, type JwksFields } from "./auth-event.js";
import { findCandidates, rankCandidates, type JwksTrust } from "./candidates.js";
import type { AnyCodec, CodecContext, RouteOptions, UntrustedCertificate, Verified } from "./codec.js";
import { keyState, keyStateRefusals } from "./key-state.js";
import { checkKeyPolicy } from "./key-policy.js";
import type { KeyPolicySource } from "../policy/setting.js";
import { checkKeySourceAddress } from "./key-source-address.js";
import { keepSignCounter } from "./sign-counter.js";
import type { RequestView } from "./request-view.js";
import type { KeyRateLimit } from "./key-limits.js";
import { countLockoutFailure, resetLockoutFailures, type LockoutSettings } from "./lockout.js";
import { countSignIn } from "./rate-window.js";
import { checkRouteScopes, requiredScopes } from "./route-scope.js";

/** The ports the pipeline reads and writes, and its clock. */
export interface PipelineDeps {
  readonly keys: KeyStore;
  readonly replay: ReplayStore;
  readonly events: EventSink;
  /** Trusted certificate authorities; without it no certificate signs in. */
  readonly authorities?: CertificateAuthorityStore | undefined;
  /** JWKS URLs users trust, and the key source reading them; without it a kid names stored keys only. */
  readonly jwks?: JwksTrust | undefined;
  now(): number;
  /** Per-username bound on failed signature checks, or null for none. */
  readonly throttle: FailureThrottle | null;
  /** Per-key rate windows and lockout counts; without it neither is enforced. */
  readonly limits?: KeyLimitStore | undefined;
  /** Lockout after consecutive failures naming a key (core/lockout.ts); null or absent: off. */
  readonly lockout?: LockoutSettings | null | undefined;
  /** The rate limit of keys without one of their own; null or absent: none. */
  readonly defaultRateLimit?: KeyRateLimit | null | undefined;
  /** Where `key.locked` is recorded. */
  readonly audit?: AuditLog | undefined;
  /** The instance key policy (strategy/policy/); without it no policy applies. */
  readonly policy?: KeyPolicySource | undefined;
}

/**
 * The application's last word on a verified user (passport's verify callback): a refusal,
 * or null to let the user in. Its outcome is the one event recorded for the credential.
 */
export type Admit = (verified: Verified) => AuthError | null | Promise<AuthError | null>;

const noRouteOptions: RouteOptions = Object.freeze({});

/**
 * Verifies one credential with `codec`, in this order:
 *
 *   decode (structure, MACs) → throttle check on the untrusted username (before any key is
 *   looked up or signature checked) → the codec's preparation → candidate keys by the
 *   untrusted hints (for an OpenSSH certificate: its certified key, with the CA and revocations
 *   read from the store), one ranking (rankCandidates) → signature, each candidate in turn (decoy
 *   work when there is none) → key state (core/key-state.ts, one refusal table) → the instance
 *   key policy (core/key-policy.ts) → the key's
 *   `from=` against the client address (core/key-source-address.ts) → the codec's
 *   after-signature checks → replay → the signature counter a proof reports (core/sign-counter.ts)
 *   → the route's scopes (core/route-scope.ts) → the key's rate limit (core/rate-window.ts)
 *   → admit → exactly one auth event (and an "alarm" beside it for a counter that went backwards).
 *   A refusal after the signature verified may count toward the key's lockout (core/lockout.ts);
 *   a success clears the count.
 *
 * Key state comes before the after-signature checks so that a key that may not be used is
 * refused as such whatever its credential's time says, as the schemes always answered.
 * `routeOptions` are the adapter's per-route settings (jwtAudience, sshauthBinding).
 * Returns the Verified credential, or the AuthError it was refused with; anything else
 * (a store that cannot answer, an `admit` that threw) is thrown.
 */
export async function verifyCredential(
  codec: AnyCodec,
  credential: string,
  request: RequestView,
  deps: PipelineDeps,
  routeOptions: RouteOptions = noRouteOptions,
  admit?: Admit,
): Promise<Verified | AuthError> {
  const nowMs = deps.now();
  const ctx: CodecContext = { request, routeOptions, nowMs };
  const throttle = codec.throttled === false ? null : deps.throttle;
  const scopes = requiredScopes(routeOptions);
  let username: string | null = null;
  // What a refusal's event records of a certificate: read as the steps below learn it.
  let certificate: UntrustedCertificate | undefined;
  let candidates: KeyCandidate[] = [];
  let mappedPrincipal: string | null = null;
  // The key whose signature verified: a later refusal is recorded against it (its owner, its usage).
  let signer: KeyCandidate | null = null;
  let verified: Verified;
  // What identifies the credential for the lockout count (core/lockout.ts), once its signature verified.
  let credentialId: string | null = null;
  try {
    const decoded = codec.decode(credential, ctx);
    const unverified: unknown = decoded instanceof Promise ? await decoded : decoded;
    const hints = codec.hints(unverified);
    username = hints.untrustedUsername;
    certificate = hints.untrustedCertificate;
    if (username !== null && throttle !== null) {
      const retryAfterSeconds = throttle.retryAfterSeconds(username, nowMs);
      if (retryAfterSeconds !== null) {
        throw new AuthError("too_many_failures", "too many failed sign-ins for this user; retry later", { detail: { retryAfterSeconds } });
      }
    }
    if (codec.prepare) {
      const prepared = codec.prepare(unverified, ctx);
      if (prepared instanceof Promise) await prepared;
    }
    candidates = rankCandidates(await findCandidates(deps.keys, hints, deps.authorities, deps.jwks), nowMs, hints.preferredKey);
    if (candidates.length === 0) {
      const refusal = codec.noKey(unverified);
      throw refusal instanceof Promise ? await refusal : refusal;
    }

    let proof: unknown = null;
    for (const candidate of candidates) {
      const checked = codec.verifySignature(unverified, candidate.key, ctx);
      proof = checked instanceof Promise ? await checked : checked;
      if (proof !== null) {
        signer = candidate;
        break;
      }
    }
    if (signer === null) throw await codec.badSignature(unverified, candidates, ctx);
    credentialId = credential !== "" ? credential : replayIdOf(codec, unverified, proof);

    const state = keyState(signer.key, signer.user.disabled, nowMs);
    if (state !== "active") {
      const refusal = keyStateRefusals[state];
      const keyId = storedKeyId(signer.key) ?? undefined;
      // Only the key's holder gets this far, so only they learn when a lock ends.
      const lockedUntil = state === "locked" ? signer.key.lockedUntil!.getTime() : null;
      const retryAfterSeconds = lockedUntil === null ? undefined : Math.max(1, Math.ceil((lockedUntil - nowMs) / 1000));
      throw new AuthError(refusal.code, refusal.message, { detail: { userId: signer.user.id, keyId, retryAfterSeconds } });
    }
    // The steps below answer at once when they have nothing to wait for (no policy change to
    // read, no counter, no rate limit): awaited only then, as each await costs the request a
    // turn of the microtask queue.
    const policyChecked = checkKeyPolicy(deps.policy, signer, nowMs);
    if (policyChecked !== undefined) await policyChecked;
    checkKeySourceAddress(signer, request, storedKeyId(signer.key) ?? undefined);
    codec.afterSignature?.(unverified, proof, signer, ctx);
    // The codec's checks passed: a certificate's CA mapping named this user.
    if (signer.key.certifiedBy !== undefined) mappedPrincipal = signer.user.username;
    const claim = codec.replay(unverified, proof);
    if (claim !== null && !(await deps.replay.consume(claim.scope, claim.id, claim.expiresAt))) {
      throw new AuthError("replayed", claim.message);
    }
    const counterKept = keepSignCounter(proof, signer, deps, request, codec.name);
    if (counterKept !== undefined) await counterKept;
    checkRouteScopes(signer, scopes);
    const signInCounted = countSignIn(deps.limits, signer, deps.defaultRateLimit, nowMs);
    if (signInCounted !== undefined) await signInCounted;
    verified = { key: signer.key, user: signer.user, scheme: codec.name };
  } catch (error) {
    if (!isAuthError(error)) throw error;
    if (signer !== null) await countLockoutFailure(deps, signer, error, credentialId, nowMs);
    if (error.code === "bad_signature" && username !== null) throttle?.recordFailure(username, nowMs);
    recordRefusal(
      deps.events,
      request,
      deps.now(),
      codec.name,
      error,
      username,
      attemptedCertificate(certificate, candidates, mappedPrincipal),
      jwksOf(candidates),
      signer,
    );
    return error;
  }

  const admitted = admit ? admit(verified) : null;
  const refusal = admitted instanceof Promise ? await admitted : admitted;
  if (!refusal) {
    const reset = resetLockoutFailures(deps, verified);
    if (reset !== undefined) await reset;
  }
  if (refusal || codec.logsSuccess !== false)
    deps.events.record(
      authEventFrom(
        request,
        deps.now(),
        {
          scheme: verified.scheme,
          outcome: refusal ? "failure" : "success",
          errorCode: refusal ? refusal.code : null,
          userId: verified.user.id,
          username: verified.user.username,
          keyId: storedKeyId(verified.key),
        },
        certificateOf(verified.key, verified.user.username),
        jwksOfKey(verified.key),
      ),
    );
  const certifiedBy = verified.key.certifiedBy;
  // Not awaited: when a CA was last used is for the console, not worth a request's latency or its failure.
  if (!refusal && certifiedBy !== undefined) void deps.authorities?.markUsed(certifiedBy.authority.id, new Date(deps.now())).catch(() => {});
  const fromJwks = verified.key.fromJwks;
  if (!refusal && fromJwks !== undefined) void deps.jwks?.endpoints.markUsed(fromJwks.endpointId, new Date(deps.now())).catch(() => {});
  return refusal ?? verified;
}

/** A credential carried in request headers (RFC 9421) has no text of its own: its one-time id stands for it. */
function replayIdOf(codec: AnyCodec, unverified: unknown, proof: unknown): string | null {
  try {
    return codec.replay(unverified, proof)?.id ?? null;
  } catch {
    return null;
  }
}

/**
 * The event for a refusal: the pipeline's own, and those decided before a credential reached
 * it (a handshake message without a credential, a challenge that could not be issued), so
 * the log has one shape. A refusal after `signer`'s signature verified names its user and key.
 */
export function recordRefusal(
  events: EventSink,
  request: RequestView,
  nowMs: number,
  scheme: string,
  error: AuthError,
  username: string | null,
  certificate?: CertificateFields,
  jwks?: JwksFields,
  signer?: KeyCandidate | null,
): void {
  events.record(
    authEventFrom(
      request,
      nowMs,
      {
        scheme,
        outcome: "failure",
        errorCode: error.code,
        userId: error.detail?.userId ?? signer?.user.id ?? null,
        username,
        keyId: error.detail?.keyId ?? (signer ? storedKeyId(signer.key) : null),
      },
      certificate,
      jwks,
    ),
  );
}
