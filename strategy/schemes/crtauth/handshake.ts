import { z } from "zod";
import { findCandidates, rankCandidates } from "../../core/candidates.js";
import type { Codec } from "../../core/codec.js";
import { keyState } from "../../core/key-state.js";
import { recordRefusal, verifyCredential, type PipelineDeps } from "../../core/pipeline.js";
import type { RequestView } from "../../core/request-view.js";
import { AuthError, isAuthError } from "../../errors.js";
import { publicRefusal } from "../../http/error-response.js";
import { parseOptions } from "../../options/parse-options.js";
import type { EventSink, KeyStore, ReplayStore } from "../../store/ports.js";
import { FailureThrottle, failureThrottleOptionSchema, type FailureThrottleOptions } from "../failure-throttle.js";
import { createChallenge } from "./challenge.js";
import { crtauthKeyTypes } from "../../keys/algorithms.js";
import type { CrtauthSecret } from "./mac.js";
import { crtauthServerName } from "./names.js";
import { crtauthOptionsShape, resolveCrtauthSecrets, type CrtauthOptions } from "./options.js";
import { parseRequest } from "./request.js";
import { createCrtauthResponseCodec } from "./response-codec.js";
import type { OpenedResponse } from "./response.js";
import { createToken } from "./token.js";

/** The parts of a store the handshake uses (a PrismaStore or the strategy's store fits). */
export interface CrtauthRouterStore {
  keys: KeyStore;
  replay: ReplayStore;
  events: EventSink;
}

export interface CrtauthRouterOptions extends CrtauthOptions {
  store: CrtauthRouterStore | Promise<CrtauthRouterStore> | (() => Promise<CrtauthRouterStore>);
  /** Milliseconds since the epoch; for tests. */
  now?: (() => number) | undefined;
  /**
   * Development only: put `unknown_key` / `bad_signature` in `X-Sshkey-Error` instead of the
   * public `invalid_credentials` (default false; the event log has the precise code either way).
   */
  exposeErrorCodes?: boolean | undefined;
  /**
   * Per-username limit on responses whose signature fails (default 20 per minute, as the
   * strategy's); past it, responses for that user get 403 `too_many_failures` with
   * Retry-After before any RSA check. `false` turns it off.
   */
  failureThrottle?: FailureThrottleOptions | false | undefined;
}

const routerOptionsSchema = z.strictObject({
  ...crtauthOptionsShape,
  store: z.custom<CrtauthRouterOptions["store"]>(
    (value) => typeof value === "object" || typeof value === "function",
    "must be a store, a promise of one or a function returning one",
  ),
  now: z.custom<() => number>((value) => typeof value === "function", "must be a function").optional(),
  exposeErrorCodes: z.boolean().optional(),
  failureThrottle: failureThrottleOptionSchema.optional(),
});

/** Response header carrying the failure code (upstream answers only a bare 403). */
export const CRTAUTH_ERROR_HEADER = "X-Sshkey-Error";
const FORBIDDEN_BODY = "Failed to authenticate user";
/** One handshake message's answer, for whichever framework writes it. */
interface HandshakeAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  /** Empty for an answer without a body. */
  readonly body: string;
}

/** The handshake at `/_auth` without the framework: an adapter routes the request here and writes the answer. */
export interface CrtauthHandshake {
  answer(view: RequestView): Promise<HandshakeAnswer>;
}

/** The handshake createCrtauthRouter serves; `caller` names the API in option errors. */
export function createCrtauthHandshake(options: CrtauthRouterOptions, caller: string): CrtauthHandshake {
  const o = parseOptions(routerOptionsSchema, options, caller);
  const secrets = resolveCrtauthSecrets(o);
  if (!secrets) throw new TypeError(`${caller} needs a secret (option \`secret\` or CRTAUTH_SECRET)`);
  let storePromise: Promise<CrtauthRouterStore> | null = null;
  const store = () => (storePromise ??= typeof o.store === "function" ? o.store() : Promise.resolve(o.store));
  const handshake = new Handshake(secrets, o, o.failureThrottle === false ? null : new FailureThrottle(o.failureThrottle));
  return { answer: (view) => handshake.handle(view, store) };
}

/** A refusal outside the pipeline, with the username it concerned for the event log. */
class HandshakeFailure {
  constructor(
    readonly error: AuthError,
    readonly username: string | null,
  ) {}
}

interface HandshakeSettings extends CrtauthOptions {
  now?: (() => number) | undefined;
  exposeErrorCodes?: boolean | undefined;
}

class Handshake {
  private readonly now: () => number;
  private readonly codec: Codec<OpenedResponse, true>;

  constructor(
    private readonly secrets: CrtauthSecret[],
    private readonly options: HandshakeSettings,
    private readonly throttle: FailureThrottle | null,
  ) {
    this.now = options.now ?? Date.now;
    this.codec = createCrtauthResponseCodec({ secrets, serverName: options.serverName, legacyV0: options.legacyV0 === true });
  }

  async handle(view: RequestView, store: () => Promise<CrtauthRouterStore>): Promise<HandshakeAnswer> {
    const value = view.header("x-chap");
    const s = await store();
    if (value === undefined) {
      recordRefusal(s.events, view, this.now(), "crtauth", new AuthError("missing_credentials", "no X-CHAP header"), null);
      return { status: 403, headers: { [CRTAUTH_ERROR_HEADER]: "missing_credentials" }, body: "" };
    }
    try {
      const colon = value.indexOf(":");
      if (colon === -1) throw new HandshakeFailure(new AuthError("malformed_header", "X-CHAP must be <kind>:<value>"), null);
      const kind = value.slice(0, colon);
      const text = value.slice(colon + 1).trim();
      if (kind === "request") {
        const challenge = await this.challenge(view, s, text);
        return { status: 200, headers: { "X-CHAP": `challenge:${challenge}` }, body: "" };
      } else if (kind === "response") {
        const deps: PipelineDeps = { keys: s.keys, replay: s.replay, events: s.events, now: this.now, throttle: this.throttle };
        const result = await verifyCredential(this.codec, text, view, deps);
        // The pipeline recorded the outcome; only the answer is left.
        if (isAuthError(result)) return this.refuse(result);
        const token = createToken({ username: result.user.username, secret: this.secrets, now: this.now, lifetimeSeconds: this.options.tokenLifetimeSeconds });
        return { status: 200, headers: { "X-CHAP": `token:${token.text}` }, body: "" };
      } else {
        throw new HandshakeFailure(new AuthError("malformed_header", "X-CHAP kind must be request or response"), null);
      }
    } catch (caught) {
      const failure = caught instanceof HandshakeFailure ? caught : isAuthError(caught) ? new HandshakeFailure(caught, null) : null;
      if (!failure) throw caught;
      recordRefusal(s.events, view, this.now(), "crtauth", failure.error, failure.username);
      return this.refuse(failure.error);
    }
  }

  private refuse(error: AuthError): HandshakeAnswer {
    const headers: Record<string, string> = {};
    const retryAfter = error.detail?.retryAfterSeconds;
    if (typeof retryAfter === "number") headers["Retry-After"] = String(retryAfter);
    const { code } = publicRefusal(error.code, error.message, this.options.exposeErrorCodes === true);
    headers[CRTAUTH_ERROR_HEADER] = code;
    return { status: 403, headers, body: FORBIDDEN_BODY };
  }

  /**
   * X-CHAP request → challenge text. The challenge names the key the response should be
   * signed with: the user's best usable RSA key by the pipeline's ranking. Unknown users and
   * users without an active RSA key get a fake fingerprint, so challenges look the same.
   */
  private async challenge(view: RequestView, store: CrtauthRouterStore, text: string): Promise<string> {
    const serverName = crtauthServerName(this.options.serverName, view.host);
    const { username, version } = parseRequest(text, { allowLegacy: this.options.legacyV0 === true });
    const nowMs = this.now();
    const [best] = rankCandidates(await findCandidates(store.keys, { untrustedUsername: username, keyTypes: crtauthKeyTypes }), nowMs);
    const key = best && keyState(best.key, best.user.disabled, nowMs) === "active" ? best.key.parsed : null;
    try {
      return createChallenge({ username, serverName, secret: this.secrets, key, now: () => nowMs, version }).text;
    } catch (error) {
      if (isAuthError(error)) throw new HandshakeFailure(error, username);
      throw error;
    }
  }
}
