import type { Request } from "express";
import { Strategy } from "passport-strategy";
import { AuthError, isAuthError, type AuthErrorCode } from "./errors.js";
import { parseAuthorization } from "./http/authorization.js";
import { challengeErrorFor, exposeErrorCodesOption, publicRefusal, statusForCode } from "./http/error-response.js";
import { authEventFrom, rememberFailure } from "./http/failure.js";
import { FailureThrottle, type FailureThrottleOptions } from "./schemes/failure-throttle.js";
import type { AuthScheme, SchemeName, Verified } from "./schemes/scheme.js";
import { builtInSchemes, createBuiltInScheme, type BuiltInSchemeOptions } from "./schemes/registry.js";
import type { EventSink, KeyStore, ReplayStore, StoredUser } from "./store/ports.js";
import { openPrismaStore, type PrismaStore } from "./store/prisma/store.js";

/** What the strategy reads keys from and writes outcomes to. */
export interface StrategyStore {
  keys: KeyStore;
  replay: ReplayStore;
  events: EventSink;
}

/** Passed to passport as `info` on success. */
export interface SshKeyAuthInfo {
  scheme: SchemeName;
  /** SHA256 fingerprint of the key that signed the credential. */
  fingerprint: string;
  keyId: string;
  keyType: string;
  keyComment: string;
}

export type VerifyDone = (error: unknown, user?: Express.User | false, info?: unknown) => void;
/** Passport-style hook: map the stored user to the application's user, or refuse with `done(null, false)`. */
export type VerifyCallback = (user: StoredUser, info: SshKeyAuthInfo, done: VerifyDone) => void;

export interface SshKeyStrategyOptions extends BuiltInSchemeOptions {
  /** Storage; default: the Prisma store on DATABASE_URL or ./data/passport-sshkey.db, migrated on first use. */
  store?: StrategyStore | Promise<StrategyStore>;
  /** Enabled schemes, by name or as scheme objects (default: every built-in scheme). */
  schemes?: readonly (SchemeName | AuthScheme)[];
  /** Milliseconds since the epoch; for tests. */
  now?: () => number;
  /** Strategy name for passport.authenticate (default "sshkey"). */
  name?: string;
  /**
   * Development only: answer `unknown_key` / `bad_signature` as such instead of the public
   * `invalid_credentials`, which tells strangers nothing about users and keys (default false).
   * The event log has the precise code either way.
   */
  exposeErrorCodes?: boolean;
  /**
   * Per-username limit on failed signature checks (default 20 per minute); past it,
   * credentials naming that user are refused with 429 `too_many_failures` and Retry-After
   * before any signature work. `false` turns it off (per process, not shared between instances).
   */
  failureThrottle?: FailureThrottleOptions | false;
}

const strategyOptionNames = ["store", "schemes", "now", "name", "exposeErrorCodes", "failureThrottle"];

/**
 * The strategy's only mutable state. Passport runs `authenticate` on `Object.create(strategy)`,
 * so anything assigned to `this` there lands on a throw-away copy; the copies share this one
 * object through the prototype chain, so the default store is opened once per strategy.
 */
interface StoreHolder {
  pending: Promise<StrategyStore> | null;
  /** The store once opened: the request path then skips an await per request. */
  opened: StrategyStore | null;
  /** Only a store the strategy opened itself is closed by `close()`. */
  ownsStore: boolean;
  closing: Promise<void> | null;
}

function closedError(): Error {
  return new Error("SshKeyStrategy is closed");
}

const optionNames = new Set([...strategyOptionNames, "realm", "clockToleranceSeconds", ...Object.keys(builtInSchemes)]);

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
  readonly schemes: readonly AuthScheme[];
  private readonly holder: StoreHolder;
  private readonly now: () => number;
  private readonly verifyCallback: VerifyCallback | undefined;
  private readonly exposeErrorCodes: boolean;
  private readonly throttle: FailureThrottle | null;

  constructor(verify?: VerifyCallback);
  constructor(options?: SshKeyStrategyOptions, verify?: VerifyCallback);
  constructor(optionsOrVerify?: SshKeyStrategyOptions | VerifyCallback, verify?: VerifyCallback) {
    super();
    const options = typeof optionsOrVerify === "function" ? {} : (optionsOrVerify ?? {});
    this.verifyCallback = typeof optionsOrVerify === "function" ? optionsOrVerify : verify;
    if (typeof options !== "object") throw new TypeError("SshKeyStrategy options must be an object");
    for (const key of Object.keys(options)) {
      if (!optionNames.has(key)) throw new TypeError(`SshKeyStrategy: unknown option ${JSON.stringify(key)}`);
    }
    if (this.verifyCallback !== undefined && typeof this.verifyCallback !== "function") {
      throw new TypeError("SshKeyStrategy: verify must be a function");
    }
    this.name = options.name ?? "sshkey";
    this.exposeErrorCodes = exposeErrorCodesOption(options.exposeErrorCodes, "SshKeyStrategy");
    this.now = options.now ?? Date.now;
    const names = options.schemes ?? (Object.keys(builtInSchemes) as SchemeName[]);
    this.schemes = names.map((s) => (typeof s === "string" ? createBuiltInScheme(s, options) : s));
    if (this.schemes.length === 0) throw new TypeError("SshKeyStrategy: at least one scheme must be enabled");
    this.holder = { pending: null, opened: null, ownsStore: !options.store, closing: null };
    if (options.store) this.holder.pending = Promise.resolve(options.store).then((store) => (this.holder.opened = store));
    this.throttle = options.failureThrottle === false ? null : new FailureThrottle(options.failureThrottle);
  }

  /** The store in use, opening the default one on first call (once, however many requests race for it). */
  store(): Promise<StrategyStore> {
    const holder = this.holder;
    if (holder.closing) return Promise.reject(closedError());
    holder.pending ??= openPrismaStore({ now: this.now }).then(
      async (store) => {
        if (holder.closing) {
          await store.close();
          throw closedError();
        }
        holder.opened = store;
        return store;
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
    holder.closing ??= (async () => {
      const store = await holder.pending?.catch(() => null);
      if (!store) return;
      if (holder.ownsStore) await (store as PrismaStore).close();
      else await store.events.flush();
    })();
    return holder.closing;
  }

  override authenticate(req: Request, routeOptions?: Record<string, unknown>): void {
    this.run(req, routeOptions ?? {}).catch((error: unknown) => this.error(error instanceof Error ? error : new Error(String(error))));
  }

  private challengeFor(scheme: AuthScheme | null, code: AuthErrorCode, message: string): string {
    const attributes = `error="${challengeErrorFor(code)}", error_description="${message.replace(/["\\]/g, "")}"`;
    if (scheme) return `${scheme.challenge}, ${attributes}`;
    return this.schemes.map((s) => s.challenge).join(", ");
  }

  private refuse(req: Request, scheme: AuthScheme | null, error: AuthError): void {
    const { code, message } = publicRefusal(error.code, error.message, this.exposeErrorCodes);
    const status = statusForCode(code, scheme?.alwaysUnauthorized);
    const retryAfter = error.detail?.retryAfterSeconds;
    if (typeof retryAfter === "number") req.res?.setHeader("Retry-After", String(retryAfter));
    rememberFailure(req, { code, message, status });
    this.fail(this.challengeFor(scheme, code, message), status);
  }

  private async run(req: Request, routeOptions: Record<string, unknown>): Promise<void> {
    const header = parseAuthorization(req.headers.authorization);
    if (header.kind === "none") {
      return this.refuse(req, null, new AuthError("missing_credentials", "this request needs an Authorization header signed with an SSH key"));
    }
    if (header.kind === "too_large") return this.refuse(req, null, new AuthError("credentials_too_large", "the Authorization header is too large"));
    const scheme =
      header.kind === "credential"
        ? this.schemes.find((s) => s.claims(header.word, header.credential))
        : this.schemes.find((s) => header.word !== undefined && s.claims(header.word, ""));
    if (header.kind === "malformed") {
      return this.refuse(req, scheme ?? null, new AuthError("malformed_header", `malformed Authorization header: ${header.reason}`));
    }
    if (!scheme) {
      return this.refuse(req, null, new AuthError("unsupported_scheme", `the Authorization scheme ${JSON.stringify(header.word.slice(0, 20))} is not accepted here`));
    }

    const store = this.holder.opened ?? (await this.store());
    let untrustedUsername: string | null = null;
    let verified: Verified;
    try {
      verified = await scheme.verify(header.credential, {
        req,
        keys: store.keys,
        replay: store.replay,
        now: this.now,
        routeOptions,
        noteUntrustedUsername: (username) => {
          untrustedUsername = username;
          // Schemes note the username before any key lookup: refusing here costs no signature
          // work. chap: tokens are exempt: an HMAC check, no signature work to bound.
          const throttle = scheme.name === "crtauth" ? null : this.throttle;
          const retryAfterSeconds = throttle?.retryAfterSeconds(username, this.now()) ?? null;
          if (retryAfterSeconds !== null) {
            throw new AuthError("too_many_failures", "too many failed sign-ins for this user; retry later", { detail: { retryAfterSeconds } });
          }
        },
      });
    } catch (error) {
      if (!isAuthError(error)) throw error;
      if (error.code === "bad_signature" && untrustedUsername !== null) this.throttle?.recordFailure(untrustedUsername, this.now());
      const known = (error.detail ?? {}) as { userId?: string; keyId?: string };
      store.events.record(
        authEventFrom(req, this.now(), {
          scheme: scheme.name,
          outcome: "failure",
          errorCode: error.code,
          userId: known.userId ?? null,
          username: untrustedUsername,
          keyId: known.keyId ?? null,
        }),
      );
      return this.refuse(req, scheme, error);
    }
    return this.succeed(req, store, scheme, verified);
  }

  /** Not async without a verify callback: the common path saves a promise and a tick. */
  private succeed(req: Request, store: StrategyStore, scheme: AuthScheme, verified: Verified): void | Promise<void> {
    const info: SshKeyAuthInfo = {
      scheme: verified.scheme,
      fingerprint: verified.key.parsed.fingerprintSha256,
      keyId: verified.key.id,
      keyType: verified.key.parsed.type,
      keyComment: verified.key.comment,
    };
    if (this.verifyCallback) return this.succeedThroughCallback(req, store, scheme, verified, info);
    this.recordOutcome(req, store, verified, null);
    this.success(verified.user, info);
  }

  private async succeedThroughCallback(req: Request, store: StrategyStore, scheme: AuthScheme, verified: Verified, info: SshKeyAuthInfo): Promise<void> {
    const user = await new Promise<Express.User | false>((resolve, reject) => {
      try {
        this.verifyCallback!(verified.user, info, (error, result) => (error ? reject(error) : resolve(result ?? false)));
      } catch (error) {
        reject(error);
      }
    });
    if (!user) {
      this.recordOutcome(req, store, verified, "rejected");
      return this.refuse(req, scheme, new AuthError("rejected", "the application refused this user"));
    }
    this.recordOutcome(req, store, verified, null);
    this.success(user, info);
  }

  private recordOutcome(req: Request, store: StrategyStore, verified: Verified, errorCode: AuthErrorCode | null): void {
    store.events.record(
      authEventFrom(req, this.now(), {
        scheme: verified.scheme,
        outcome: errorCode ? "failure" : "success",
        errorCode,
        userId: verified.user.id,
        username: verified.user.username,
        keyId: verified.key.id,
      }),
    );
  }
}
