import type { Request } from "express";
import { Strategy } from "passport-strategy";
import type { AnyCodec, RouteOptions, Verified } from "./core/codec.js";
import { verifyCredential, type PipelineDeps } from "./core/pipeline.js";
import type { RequestView } from "./core/request-view.js";
import { AuthError, isAuthError } from "./errors.js";
import { claimRequest } from "./http/claim.js";
import { jwksSettings, type JwksOptions } from "./jwks/options.js";
import { LazyJwksKeySource } from "./jwks/lazy-key-source.js";
import { fromExpressRequest } from "./http/express-request.js";
import { rememberFailure } from "./http/failure.js";
import { httpRefusal, type HttpRefusal } from "./http/refusal.js";
import { parseStrategyOptions } from "./options/strategy-options.js";
import { FailureThrottle, type FailureThrottleOptions } from "./schemes/failure-throttle.js";
import { createBuiltInScheme, schemeNames, type BuiltInSchemeOptions, type SchemeName } from "./schemes/registry.js";
import { openDefaultStore } from "./store/default-store.js";
import { KeyPolicyReader } from "./policy/setting.js";
import type {
  AuditLog,
  CertificateAuthorityStore,
  ChangeFeed,
  EventSink,
  JwksEndpointStore,
  KeyLimitStore,
  KeyStore,
  ReplayStore,
  SettingsStore,
  StoredUser,
} from "./store/ports.js";
import { checkRateLimit, KeyLimitError, type KeyRateLimit } from "./core/key-limits.js";
import { lockoutSettings, type LockoutSettings } from "./core/lockout.js";

/** What the strategy reads keys from and writes outcomes to. */
export interface StrategyStore {
  keys: KeyStore;
  replay: ReplayStore;
  events: EventSink;
  /** Trusted OpenSSH certificate authorities (SSHSIG certificates); without it certificates are refused as unknown keys. */
  authorities?: CertificateAuthorityStore | undefined;
  /** JWKS URLs users trust (JWT scheme); without it a JWT's kid names stored keys only. */
  jwks?: JwksEndpointStore | undefined;
  /** Per-key rate windows and lockout counts; without it keys' rate limits and lockout are not enforced. */
  limits?: KeyLimitStore | undefined;
  /** Where a lockout is recorded (`key.locked`). */
  audit?: AuditLog | undefined;
  /** With `changes`: where the instance key policy is read (`passport-sshkey policy set`); without them no policy applies. */
  settings?: SettingsStore | undefined;
  changes?: ChangeFeed | undefined;
}

/** The store the strategy opens itself when given none, which it also closes. */
type OwnedStore = StrategyStore & { close(): Promise<void> };

/** Passed to passport as `info` on success. */
export interface SshKeyAuthInfo {
  /** The wire format: "jwt", "crtauth", "sshauth", or a custom codec's name. */
  scheme: string;
  /** SHA256 fingerprint of the key that signed the credential. */
  fingerprint: string;
  keyId: string;
  keyType: string;
  keyComment: string;
  /** The key's scopes (sorted); null: unrestricted. For checks finer than a route's `scope` option. */
  scopes: readonly string[] | null;
}

/** What `decide` concluded about one request: the user, or how to refuse it. */
export type Decision = { refused: false; user: Express.User; info: SshKeyAuthInfo } | { refused: true; refusal: HttpRefusal };

export type VerifyDone = (error: unknown, user?: Express.User | false, info?: unknown) => void;
/** Passport-style hook: map the stored user to the application's user, or refuse with `done(null, false)`. */
export type VerifyCallback = (user: StoredUser, info: SshKeyAuthInfo, done: VerifyDone) => void;

export interface SshKeyStrategyOptions extends BuiltInSchemeOptions {
  /** Storage; default: the Prisma store on DATABASE_URL or ./data/passport-sshkey.db, migrated on first use. */
  store?: StrategyStore | Promise<StrategyStore> | undefined;
  /**
   * Enabled wire formats, by built-in name or as codecs (core/codec.ts), tried in this order
   * (default: every built-in scheme). A codec of your own is a fifth wire format.
   */
  schemes?: readonly (SchemeName | AnyCodec)[] | undefined;
  /** Milliseconds since the epoch; for tests. */
  now?: (() => number) | undefined;
  /** Strategy name for passport.authenticate (default "sshkey"). */
  name?: string | undefined;
  /**
   * Development only: answer `unknown_key` / `bad_signature` as such instead of the public
   * `invalid_credentials`, which tells strangers nothing about users and keys (default false).
   * The event log has the precise code either way.
   */
  exposeErrorCodes?: boolean | undefined;
  /**
   * Per-username limit on failed signature checks (default 20 per minute); past it,
   * credentials naming that user are refused with 429 `too_many_failures` and Retry-After
   * before any signature work. `false` turns it off (per process, not shared between instances).
   */
  failureThrottle?: FailureThrottleOptions | false | undefined;
  /** How the JWK sets of users' JWKS URLs are fetched and cached (JWT scheme; see the README's "JWKS trust"). */
  jwks?: JwksOptions | undefined;
  /**
   * Lock a key after this many consecutive refused attempts naming it, for this long (`{}`: 10
   * attempts, 900 s; default off, `serve` on). Only refusals after the key's signature verified
   * count, each distinct credential once, so a stranger cannot lock anyone's key (core/lockout.ts).
   */
  lockout?: Partial<LockoutSettings> | false | undefined;
  /** Sign-ins per window for keys without a rate limit of their own (default: none). */
  keyRateLimit?: KeyRateLimit | undefined;
}

/**
 * The strategy's only mutable state. Passport runs `authenticate` on `Object.create(strategy)`,
 * so anything assigned to `this` there lands on a throw-away copy; the copies share this one
 * object through the prototype chain, so the default store is opened once per strategy.
 */
interface StoreHolder {
  pending: Promise<StrategyStore> | null;
  /** The store once opened: the request path then skips an await per request. */
  opened: StrategyStore | null;
  /** The pipeline's ports for the opened store, made once rather than per request. */
  deps: PipelineDeps | null;
  /** The key policy's cache on the opened store, closed with the strategy. */
  policy: KeyPolicyReader | null;
  /** Only a store the strategy opened itself is closed by `close()`. */
  ownsStore: boolean;
  closing: Promise<void> | null;
}

function closedError(): Error {
  return new Error("SshKeyStrategy is closed");
}

/**
 * Passport strategy `sshkey`: authenticates a request by a credential signed with an
 * SSH key stored for the user.
 *
 * @example
 * const strategy = new SshKeyStrategy();
 * passport.use(strategy);
 * app.get("/whoami", passport.authenticate("sshkey", { session: false }), (req, res) => res.json(req.user));
 * process.once("SIGTERM", () => void strategy.close());   // writes buffered events, closes the database
 */
export class SshKeyStrategy extends Strategy {
  name: string;
  readonly schemes: readonly AnyCodec[];
  private readonly holder: StoreHolder;
  private readonly now: () => number;
  private readonly verifyCallback: VerifyCallback | undefined;
  /** Development only: precise codes instead of `invalid_credentials` (see the option). */
  readonly exposeErrorCodes: boolean;
  private readonly throttle: FailureThrottle | null;
  /** One per strategy: it holds the fetched sets, so they are cached across requests. */
  private readonly jwksKeys: LazyJwksKeySource;
  private readonly jwksRetryAfterSeconds: number;
  private readonly lockout: LockoutSettings | null;
  private readonly keyRateLimit: KeyRateLimit | null;

  constructor(verify?: VerifyCallback);
  constructor(options?: SshKeyStrategyOptions, verify?: VerifyCallback);
  constructor(optionsOrVerify?: SshKeyStrategyOptions | VerifyCallback, verify?: VerifyCallback) {
    super();
    const options = parseStrategyOptions(typeof optionsOrVerify === "function" ? {} : (optionsOrVerify ?? {}));
    this.verifyCallback = typeof optionsOrVerify === "function" ? optionsOrVerify : verify;
    if (this.verifyCallback !== undefined && typeof this.verifyCallback !== "function") {
      throw new TypeError("SshKeyStrategy: verify must be a function");
    }
    this.name = options.name ?? "sshkey";
    this.exposeErrorCodes = options.exposeErrorCodes ?? false;
    this.now = options.now ?? Date.now;
    const names = options.schemes ?? schemeNames;
    this.schemes = names.map((s) => (typeof s === "string" ? createBuiltInScheme(s, options) : s));
    if (this.schemes.length === 0) throw new TypeError("SshKeyStrategy: at least one scheme must be enabled");
    this.holder = { pending: null, opened: null, deps: null, policy: null, ownsStore: !options.store, closing: null };
    this.throttle = options.failureThrottle === false ? null : new FailureThrottle(options.failureThrottle);
    this.lockout = lockoutSettings(options.lockout);
    this.keyRateLimit = defaultKeyRateLimit(options.keyRateLimit);
    const jwks = jwksSettings(options.jwks);
    this.jwksRetryAfterSeconds = Math.max(1, Math.ceil(jwks.refetchIntervalMs / 1000));
    // Not awaited: a fetch's outcome is for the console, not worth a request's latency or its failure.
    this.jwksKeys = new LazyJwksKeySource(jwks, this.now, (url, error) => {
      void this.holder.opened?.jwks?.recordFetch(url, new Date(this.now()), error).catch(() => {});
    });
    if (options.store) this.holder.pending = Promise.resolve(options.store).then((store) => this.opened(store));
  }

  private opened(store: StrategyStore): StrategyStore {
    this.holder.opened = store;
    this.holder.policy?.close();
    this.holder.policy = store.settings && store.changes ? new KeyPolicyReader(store.settings, store.changes) : null;
    this.holder.deps = {
      keys: store.keys,
      replay: store.replay,
      events: store.events,
      authorities: store.authorities,
      jwks: store.jwks ? { endpoints: store.jwks, keys: this.jwksKeys, retryAfterSeconds: this.jwksRetryAfterSeconds } : undefined,
      now: this.now,
      throttle: this.throttle,
      limits: store.limits,
      lockout: this.lockout,
      defaultRateLimit: this.keyRateLimit,
      audit: store.audit,
      policy: this.holder.policy ?? undefined,
    };
    return store;
  }

  /** The store in use, opening the default one on first call (once, however many requests race for it). */
  store(): Promise<StrategyStore> {
    const holder = this.holder;
    if (holder.closing) return Promise.reject(closedError());
    holder.pending ??= openDefaultStore({ now: this.now }).then(
      async (store) => {
        if (holder.closing) {
          await store.close();
          throw closedError();
        }
        return this.opened(store);
      },
      (error: unknown) => {
        // A failed open (database down, unwritable path) is retried by the next request.
        holder.pending = null;
        throw error;
      },
    );
    return holder.pending;
  }

  /**
   * Writes buffered events and last-used times, and closes the store if the strategy opened it
   * (the zero-config default); a store passed as an option is flushed but left open for its owner.
   * Requests after this fail with error(). Safe to call more than once.
   */
  close(): Promise<void> {
    const holder = this.holder;
    holder.opened = null;
    holder.deps = null;
    holder.policy?.close();
    holder.policy = null;
    holder.closing ??= (async () => {
      const store = await holder.pending?.catch(() => null);
      if (!store) return;
      if (holder.ownsStore) await (store as OwnedStore).close();
      else await store.events.flush();
    })();
    return holder.closing;
  }

  /**
   * The pipeline's ports on this strategy's store, with its clock and failure throttle: for a
   * router that verifies with this strategy's codecs (createSshsigTokenRouter), so a credential
   * is checked, throttled and logged the same there as on any protected route.
   */
  async pipelineDeps(): Promise<PipelineDeps> {
    const deps = this.holder.deps ?? (await this.store(), this.holder.deps);
    if (!deps) throw closedError();
    return deps;
  }

  override authenticate(req: Request, routeOptions?: RouteOptions): void {
    // One then with both handlers rather than then + catch: one promise fewer per request. A
    // hook that throws (passport's success runs the route) still ends in error().
    this.decide(fromExpressRequest(req), routeOptions ?? {}).then(
      (decision) => {
        try {
          this.answer(req, decision);
        } catch (error) {
          this.failed(error);
        }
      },
      (error: unknown) => this.failed(error),
    );
  }

  private answer(req: Request, decision: Decision): void {
    if (!decision.refused) return this.success(decision.user, decision.info);
    const { refusal } = decision;
    for (const [name, value] of Object.entries(refusal.headers)) req.res?.setHeader(name, value);
    rememberFailure(req, { code: refusal.code, message: refusal.message, status: refusal.status });
    this.fail(refusal.challenge, refusal.status);
  }

  private failed(error: unknown): void {
    this.error(error instanceof Error ? error : new Error(String(error)));
  }

  /**
   * The framework-free half of `authenticate`, for any adapter (passport here, the Fastify
   * plugin): which codec claims the request, the pipeline, the verify callback, and a refusal
   * as HTTP answers it. Rejects only when the store cannot answer (or the callback threw).
   */
  async decide(view: RequestView, routeOptions: RouteOptions = {}): Promise<Decision> {
    const claim = claimRequest(this.schemes, view);
    if (claim.refusal) return this.refused(claim.codec, claim.refusal);
    const { codec, credential } = claim;
    const deps = this.holder.deps ?? (await this.pipelineDeps());
    if (this.verifyCallback) return this.decideWithCallback(codec, credential, view, deps, routeOptions);
    const result = await verifyCredential(codec, credential, view, deps, routeOptions);
    if (isAuthError(result)) return this.refused(codec, result);
    return { refused: false, user: result.user, info: infoOf(result) };
  }

  private refused(scheme: AnyCodec | null, error: AuthError): Decision {
    return { refused: true, refusal: httpRefusal(this.schemes, scheme, error, this.exposeErrorCodes) };
  }

  /** The verify callback has the last word; its answer is what the one event records. */
  private async decideWithCallback(scheme: AnyCodec, credential: string, view: RequestView, deps: PipelineDeps, routeOptions: RouteOptions): Promise<Decision> {
    const callback = this.verifyCallback!;
    let user: Express.User | false = false;
    let info: SshKeyAuthInfo | null = null;
    const result = await verifyCredential(scheme, credential, view, deps, routeOptions, async (verified) => {
      info = infoOf(verified);
      const answered = info;
      user = await new Promise<Express.User | false>((resolve, reject) => {
        try {
          callback(verified.user, answered, (error, result) => (error ? reject(error) : resolve(result ?? false)));
        } catch (error) {
          reject(error);
        }
      });
      return user ? null : new AuthError("rejected", "the application refused this user");
    });
    if (isAuthError(result)) return this.refused(scheme, result);
    return { refused: false, user: user as Express.User, info: info! };
  }
}

function infoOf(verified: Verified): SshKeyAuthInfo {
  return {
    scheme: verified.scheme,
    fingerprint: verified.key.parsed.fingerprintSha256,
    keyId: verified.key.id,
    keyType: verified.key.parsed.type,
    keyComment: verified.key.comment,
    scopes: verified.key.scopes ?? null,
  };
}

function defaultKeyRateLimit(option: KeyRateLimit | undefined): KeyRateLimit | null {
  if (option === undefined) return null;
  try {
    return checkRateLimit(option);
  } catch (error) {
    if (error instanceof KeyLimitError) throw new TypeError(`SshKeyStrategy: keyRateLimit: ${error.message}`);
    throw error;
  }
}
