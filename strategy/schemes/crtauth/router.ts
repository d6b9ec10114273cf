import { Router, type Request, type Response } from "express";
import { AuthError, isAuthError, type AuthErrorCode } from "../../errors.js";
import { exposeErrorCodesOption, publicRefusal } from "../../http/error-response.js";
import { authEventFrom } from "../../http/failure.js";
import type { EventSink, KeyCandidate, KeyStore, ReplayStore } from "../../store/ports.js";
import { keyState, maxCandidatesPerCredential } from "../candidates.js";
import { FailureThrottle, type FailureThrottleOptions } from "../failure-throttle.js";
import { createChallenge } from "./challenge.js";
import { checkCrtauthOptions, resolveCrtauthSecrets, type CrtauthOptions } from "./options.js";
import { parseRequest } from "./request.js";
import { verifyResponse, type VerifiedResponse } from "./response.js";
import { activeRsaKeys } from "./scheme.js";
import { createToken } from "./token.js";
import type { CrtauthSecret } from "./mac.js";

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

/** Response header carrying the failure code (upstream answers only a bare 403). */
export const CRTAUTH_ERROR_HEADER = "X-Sshkey-Error";
const FORBIDDEN_BODY = "Failed to authenticate user";
const SERVER_NAME = /^[a-z0-9.-]{1,255}$/;

const inactiveRefusal: Record<"revoked" | "expired" | "user_disabled", [AuthErrorCode, string]> = {
  revoked: ["key_revoked", "the key that signed this crtauth response has been revoked"],
  expired: ["key_expired", "the key that signed this crtauth response has expired"],
  user_disabled: ["user_disabled", "the account is disabled"],
};

function failureEvent(req: Request, nowMs: number, code: AuthErrorCode, username: string | null) {
  return authEventFrom(req, nowMs, { scheme: "crtauth", outcome: "failure", errorCode: code, userId: null, username, keyId: null });
}

class HandshakeFailure {
  constructor(
    readonly error: AuthError,
    readonly username: string | null,
  ) {}
}

/**
 * Express router answering the crtauth handshake at `/_auth` (mount it at the app's root),
 * the way upstream's WSGI middleware does: any method; `X-CHAP: request:<…>` → 200 with
 * `X-CHAP: challenge:<…>`; `X-CHAP: response:<…>` → 200 with `X-CHAP: token:<…>`; no X-CHAP
 * → 403 with an empty body; anything refused → 403 `Failed to authenticate user` (plus an
 * `X-Sshkey-Error` header with the precise code). Where upstream crashes (an X-CHAP value
 * without a colon → 500) this answers 403 too. The Authorization header is not looked at.
 *
 * Beyond upstream: a response is redeemed once (shared through the ReplayStore), and
 * every handshake outcome is recorded in the EventSink as scheme "crtauth".
 *
 * @example
 * app.use(createCrtauthRouter({ store, secret: process.env.CRTAUTH_SECRET }));
 * app.get("/api", passport.authenticate("sshkey", { session: false }), handler);
 */
export function createCrtauthRouter(options: CrtauthRouterOptions): Router {
  checkCrtauthOptions(options);
  const secrets = resolveCrtauthSecrets(options);
  if (!secrets) throw new TypeError("createCrtauthRouter needs a secret (option `secret` or CRTAUTH_SECRET)");
  const now = options.now ?? Date.now;
  let storePromise: Promise<CrtauthRouterStore> | null = null;
  const store = () =>
    (storePromise ??= typeof options.store === "function" ? options.store() : Promise.resolve(options.store));
  const throttle = options.failureThrottle === false ? null : new FailureThrottle(options.failureThrottle);
  const handshake = new Handshake(secrets, options, now, exposeErrorCodesOption(options.exposeErrorCodes, "createCrtauthRouter"), throttle);

  const router = Router();
  router.use((req, res, next) => {
    // Exactly `/_auth`, as upstream compares PATH_INFO: not `/_auth/`, not `/_AUTH`.
    if (req.path !== "/_auth" || req.baseUrl !== "") return next();
    handshake.handle(req, res, store).catch(next);
  });
  return router;
}

class Handshake {
  constructor(
    private readonly secrets: CrtauthSecret[],
    private readonly options: CrtauthOptions,
    private readonly now: () => number,
    private readonly exposeErrorCodes: boolean,
    private readonly throttle: FailureThrottle | null,
  ) {}

  async handle(req: Request, res: Response, store: () => Promise<CrtauthRouterStore>): Promise<void> {
    const header = req.headers["x-chap"];
    const value = Array.isArray(header) ? header[0] : header;
    const s = await store();
    if (value === undefined) {
      s.events.record(failureEvent(req, this.now(), "missing_credentials", null));
      res.status(403).set(CRTAUTH_ERROR_HEADER, "missing_credentials").end();
      return;
    }
    try {
      const colon = value.indexOf(":");
      if (colon === -1) throw new HandshakeFailure(new AuthError("malformed_header", "X-CHAP must be <kind>:<value>"), null);
      const kind = value.slice(0, colon);
      const text = value.slice(colon + 1).trim();
      if (kind === "request") {
        const challenge = await this.challenge(req, s, text);
        res.status(200).set("X-CHAP", `challenge:${challenge}`).end();
      } else if (kind === "response") {
        const token = await this.token(req, s, text);
        res.status(200).set("X-CHAP", `token:${token}`).end();
      } else {
        throw new HandshakeFailure(new AuthError("malformed_header", "X-CHAP kind must be request or response"), null);
      }
    } catch (caught) {
      const failure =
        caught instanceof HandshakeFailure ? caught : isAuthError(caught) ? new HandshakeFailure(caught, null) : null;
      if (!failure) throw caught;
      s.events.record(failureEvent(req, this.now(), failure.error.code, failure.username));
      const retryAfter = failure.error.detail?.retryAfterSeconds;
      if (typeof retryAfter === "number") res.set("Retry-After", String(retryAfter));
      const { code } = publicRefusal(failure.error.code, failure.error.message, this.exposeErrorCodes);
      res.status(403).set(CRTAUTH_ERROR_HEADER, code).end(FORBIDDEN_BODY);
    }
  }

  private serverName(req: Request): string {
    if (this.options.serverName !== undefined) return this.options.serverName;
    // Clients compare the challenge's name with their URL's host (lower-cased by URL parsers).
    const host = (req.headers.host ?? "").toLowerCase();
    const name = host.startsWith("[") ? host : host.replace(/:\d*$/, "");
    if (!SERVER_NAME.test(name)) {
      throw new HandshakeFailure(
        new AuthError("malformed_header", "the Host header is not a name crtauth can use; configure serverName"),
        null,
      );
    }
    return name;
  }

  /** X-CHAP request → challenge text. Unknown users and users without an active RSA key get a fake fingerprint. */
  private async challenge(req: Request, store: CrtauthRouterStore, text: string): Promise<string> {
    const serverName = this.serverName(req);
    const { username, version } = parseRequest(text, { allowLegacy: this.options.legacyV0 === true });
    const nowMs = this.now();
    const found = await store.keys.findByUsername(username);
    const key = found ? (activeRsaKeys(found.user, found.keys, nowMs)[0] ?? null) : null;
    try {
      return createChallenge({ username, serverName, secret: this.secrets, key: key?.parsed ?? null, now: () => nowMs, version }).text;
    } catch (error) {
      if (isAuthError(error)) throw new HandshakeFailure(error, username);
      throw error;
    }
  }

  /** X-CHAP response → token text, after the signature, the key's state and one-time redemption. */
  private async token(req: Request, store: CrtauthRouterStore, text: string): Promise<string> {
    const nowMs = this.now();
    const serverName = this.serverName(req);
    let username: string | null = null;
    let candidates: KeyCandidate[] = [];
    const verifyWith = (pick: (hintFingerprint: string, username: string) => Promise<KeyCandidate | null>) =>
      verifyResponse(text, {
        secret: this.secrets,
        serverName,
        now: () => nowMs,
        allowLegacy: this.options.legacyV0 === true,
        lookupKey: async (hint) => {
          username = hint.username;
          const retryAfterSeconds = this.throttle?.retryAfterSeconds(hint.username, nowMs) ?? null;
          if (retryAfterSeconds !== null) {
            throw new AuthError("too_many_failures", "too many failed sign-ins for this user; retry later", { detail: { retryAfterSeconds } });
          }
          return (await pick(hint.fingerprint, hint.username))?.key.parsed ?? null;
        },
      });

    let verified: VerifiedResponse | null = null;
    let signer: KeyCandidate | null = null;
    try {
      // First pass: load the user's RSA keys, ordered like findSigningKey: active keys
      // first, the one the challenge named before the others; inactive keys last (they
      // only serve to name the precise refusal).
      verified = await verifyWith(async (fingerprint, name) => {
        const found = await store.keys.findByUsername(name);
        if (!found) return null;
        const rsa = found.keys.filter((k) => k.parsed.type === "ssh-rsa").map((key) => ({ key, user: found.user }));
        const rank = (c: KeyCandidate) =>
          (keyState(c, nowMs) === "active" ? 0 : 2) + (c.key.parsed.crtauthFingerprint === fingerprint ? 0 : 1);
        // Capped: a junk response must not cost one RSA check per key the user holds.
        candidates = rsa.sort((a, b) => rank(a) - rank(b)).slice(0, maxCandidatesPerCredential);
        return candidates[0] ?? null;
      });
      signer = candidates[0]!;
    } catch (error) {
      if (!isAuthError(error)) throw error;
      if (error.code === "bad_signature" && username !== null) this.throttle?.recordFailure(username, nowMs);
      if (error.code !== "bad_signature" || candidates.length < 2) throw new HandshakeFailure(error, username);
      // The challenge named another key (or a fake one): try the user's other RSA keys.
      for (const candidate of candidates.slice(1)) {
        try {
          verified = await verifyWith(async () => candidate);
          signer = candidate;
          break;
        } catch (retry) {
          if (!isAuthError(retry) || retry.code !== "bad_signature") throw retry;
        }
      }
      if (!verified || !signer) throw new HandshakeFailure(error, username);
    }

    const state = keyState(signer, nowMs);
    if (state !== "active") {
      const [code, message] = inactiveRefusal[state];
      throw new HandshakeFailure(new AuthError(code, message), verified.username);
    }
    if (!(await store.replay.consume("crtauth-response", verified.replayId, verified.replayExpiresAt))) {
      throw new HandshakeFailure(new AuthError("replayed", "this crtauth response was already redeemed"), verified.username);
    }
    const token = createToken({
      username: verified.username,
      secret: this.secrets,
      now: () => nowMs,
      lifetimeSeconds: this.options.tokenLifetimeSeconds,
    });
    store.events.record(
      authEventFrom(req, nowMs, {
        scheme: "crtauth",
        outcome: "success",
        errorCode: null,
        userId: signer.user.id,
        username: signer.user.username,
        keyId: signer.key.id,
      }),
    );
    return token.text;
  }
}
