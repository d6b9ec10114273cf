import type { AuthError } from "../errors.js";
import type { KeyCandidate, StoredKey } from "../store/ports.js";
import type { RequestView } from "./request-view.js";

/** What the candidate finder needs of a certificate: where to find its CA and revocations, and the key it certifies. */
export interface UntrustedCertificate {
  readonly caFingerprint: string;
  readonly serial: bigint;
  readonly keyId: string;
  /** The certified key's plain SSH blob. */
  readonly keyBlob: Buffer;
}

/** What a credential says about its signer before anything is verified. None of it is trusted. */
export interface CredentialHints {
  /** The user the credential claims; also the failure throttle's and the event log's name for it. */
  readonly untrustedUsername: string | null;
  /** The JWS kid (asymmetric-jwt-auth: hex SHA-256 of the key's SPKI PEM): look the key up by it alone. */
  readonly untrustedKid?: string | null | undefined;
  /** "SHA256:…" of the key: look the key up by it alone (kept only if it belongs to the claimed user, when one is claimed). */
  readonly untrustedFingerprint?: string | null | undefined;
  /**
   * Several "SHA256:…" fingerprints, each looked up alone, for a request carrying several
   * signatures (RFC 9421); the codec bounds how many.
   */
  readonly untrustedFingerprints?: readonly string[] | undefined;
  /**
   * An OpenSSH certificate the credential was signed under: the candidate is its certified key,
   * trusted only through the CA with this fingerprint, for the claimed user (never a stored key).
   */
  readonly untrustedCertificate?: UntrustedCertificate | undefined;
  /**
   * A JWS's alg: a kid that names no stored key is then looked up in the JWKS URLs the
   * claimed user trusts (with the key type this alg needs).
   */
  readonly jwsAlgorithm?: string | undefined;
  /** Ranked before the claimed user's other keys (crtauth: the key its challenge named). */
  readonly preferredKey?: ((key: StoredKey) => boolean) | undefined;
  /** Only keys of these types can verify the credential; no other stored key is a candidate. */
  readonly keyTypes: ReadonlySet<string>;
}

/**
 * Per-route settings given to `passport.authenticate("sshkey", { … })`, read by the codecs
 * that use them. They come from application code at request time, so the codecs still check
 * them (a wrong type is a TypeError, answered as a server error).
 */
export interface RouteOptions {
  /** jwt: this route's audience, overriding `jwt.audience`. */
  readonly jwtAudience?: string | readonly string[] | undefined;
  /** sshauth: require (true) or waive (false) request binding on this route. */
  readonly sshauthBinding?: boolean | undefined;
  /** The key scopes this route needs (all of them); a key with scopes that lacks one is refused with 403. */
  readonly scope?: string | readonly string[] | undefined;
  /** passport's own options (session, failWithError, …), not read here. */
  readonly [other: string]: unknown;
}

/** What a codec may read about the request being verified. */
export interface CodecContext {
  readonly request: RequestView;
  readonly routeOptions: RouteOptions;
  /** Milliseconds since the epoch, read once per credential. */
  readonly nowMs: number;
}

/**
 * How the credential after the scheme word is written (RFC 9110 §11.4): one token68 (JWS,
 * base64, crtauth), or an auth-param list (`name="value", …`) the codec parses itself.
 */
export type CredentialSyntax = "token68" | "auth-params";

/** A one-time id the replay store must accept exactly once. */
export interface ReplayClaim {
  readonly scope: string;
  readonly id: string;
  readonly expiresAt: Date;
  /** The refusal message when it was already used. */
  readonly message: string;
}

/**
 * A security key's signature counter, reported by a proof (`{ signCounter }`) for the
 * pipeline to keep per key through the KeyStore port (codecs never touch a store).
 */
export interface SignCounterClaim {
  readonly value: number;
  /** A counter that did not advance is always an alarm event; "refuse" also refuses the credential. */
  readonly onRegression: "alarm" | "refuse";
}

/** A credential that verified: the key that signed it, its owner and the wire format. */
export interface Verified extends KeyCandidate {
  scheme: string;
}

/**
 * One wire format. A codec turns a credential into untrusted hints and checks a signature
 * against one stored key; the pipeline (core/pipeline.ts) does everything else: key lookup,
 * ranking, key state, replay, throttle and the event. A codec never touches a store, the
 * HTTP framework or the event sink, and throws nothing but AuthError for bad input.
 *
 * `U` is the decoded, unverified credential; `P` what a verified signature proved (passed
 * on to the later steps).
 */
export interface Codec<U = unknown, P = unknown> {
  /** The event log's scheme name. */
  readonly name: string;
  /** Does this codec handle `Authorization: <word> <credential>`? `word` is lower-cased. */
  claims(word: string, credential: string): boolean;
  /**
   * Does this codec handle a request that has no Authorization header, by the other headers
   * it carries (RFC 9421: Signature-Input / Signature)? Its credential is then read from
   * `ctx.request` in decode, which gets "".
   */
  claimsRequest?(request: RequestView): boolean;
  /**
   * Response headers sent with every 401 this codec's challenge is part of, beside
   * WWW-Authenticate (RFC 9421: Accept-Signature, saying what a signature must cover).
   */
  readonly challengeHeaders?: Readonly<Record<string, string>> | undefined;
  /** How its credential is written (default "token68": anything else is a malformed header before decode). */
  readonly credentialSyntax?: CredentialSyntax | undefined;
  /** The WWW-Authenticate challenge for a failure, without error attributes. */
  readonly challenge: string;
  /** Failures are always 401 for this codec (crtauth clients only retry on 401). */
  readonly alwaysUnauthorized?: boolean | undefined;
  /**
   * Whether a success is an event of its own (default true). False for a credential that stands
   * for an authentication already logged (crtauth's bearer token: its handshake logged the
   * sign-in), so one sign-in is one event; its refusals are logged all the same.
   */
  readonly logsSuccess?: boolean | undefined;
  /** Whether failed signatures count against the claimed username (default true; an HMAC check costs too little to bound). */
  readonly throttled?: boolean | undefined;
  /** Structure and everything checkable without a key (an HMAC, a window the server set). */
  decode(credential: string, ctx: CodecContext): U | Promise<U>;
  hints(unverified: U): CredentialHints;
  /**
   * Work the credential needs before any key is looked up, once the throttle let its
   * username through: policy checks (an algorithm not accepted), reading the request body
   * a token is bound to.
   */
  prepare?(unverified: U, ctx: CodecContext): void | Promise<void>;
  /** The proof when `key` made the signature, else null. May throw AuthError for a hard refusal after a signature verified. */
  verifySignature(unverified: U, key: StoredKey, ctx: CodecContext): P | null | Promise<P | null>;
  /**
   * The refusal when no stored key could be tried, after a signature check's worth of work on
   * a decoy key (schemes/decoy-keys.ts), so its timing does not tell an unknown user apart.
   */
  noKey(unverified: U): AuthError | Promise<AuthError>;
  /** The refusal when candidates were tried and none verified. */
  badSignature(unverified: U, candidates: readonly KeyCandidate[], ctx: CodecContext): AuthError | Promise<AuthError>;
  /** Checks that need the verified signature and a usable key: time window, audience, account changes. */
  afterSignature?(unverified: U, proof: P, signer: KeyCandidate, ctx: CodecContext): void;
  /** The credential's one-time id, or null when it may be reused (bearer tokens, replay protection off). */
  replay(unverified: U, proof: P): ReplayClaim | null;
}

/**
 * A codec with its own types hidden, as lists of codecs hold them (the methods' parameters
 * are bivariant, so every Codec<U, P> is one; only the pipeline hands a codec its own values).
 */
export type AnyCodec = Codec<unknown, unknown>;
