import type { FastifyInstance, FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from "fastify";
import type { RouteOptions } from "../core/codec.js";
import { errorBody } from "../http/error-response.js";
import { storeFaultAnswer } from "../http/store-fault.js";
import { createCrtauthHandshake } from "../schemes/crtauth/handshake.js";
import { resolveCrtauthSecrets } from "../schemes/crtauth/options.js";
import { SshKeyStrategy, type SshKeyStrategyOptions, type VerifyCallback } from "../strategy.js";
import { fromFastifyRequest } from "./request-view.js";

export interface FastifySshKeyOptions extends SshKeyStrategyOptions {
  /** Passport-style verify callback: maps the stored user to `request.sshKeyUser`, or refuses (as SshKeyStrategy's). */
  verify?: VerifyCallback | undefined;
  /**
   * A strategy to share (its store, JWKS cache and failure throttle) with an Express app or
   * another plugin instance; the other strategy options must then be left out. The plugin
   * does not close a strategy it was given.
   */
  strategy?: SshKeyStrategy | undefined;
  /**
   * Serve crtauth's handshake at `/_auth` (as createCrtauthRouter does for Express). Default:
   * when a crtauth secret is configured (`crtauth.secret` or CRTAUTH_SECRET).
   */
  crtauthHandshake?: boolean | undefined;
}

/** Per-route settings for `app.sshKey.authenticate()`, handed to the codecs as passport's route options are. */
export interface SshKeyRouteOptions extends RouteOptions {
  /** The key scope this route needs; read by the pipeline where key scopes are enforced. */
  readonly scope?: string | readonly string[] | undefined;
}

/** What the plugin decorates the instance with, as `app.sshKey`. */
export interface SshKeyFastify {
  /** A preHandler that authenticates the request or answers the refusal (JSON, as sshkeyErrorHandler does). */
  authenticate(options?: SshKeyRouteOptions): preHandlerAsyncHookHandler;
  /** The strategy behind the hooks: its store(), close(), pipelineDeps(). */
  readonly strategy: SshKeyStrategy;
}

/** Answers a store that cannot answer with 503 and Retry-After; false for any other error. */
function sendStoreFault(error: unknown, reply: FastifyReply): boolean {
  const fault = storeFaultAnswer(error);
  if (!fault) return false;
  void reply.code(503).header("Retry-After", String(fault.retryAfterSeconds)).send(fault.body);
  return true;
}

function authenticateWith(strategy: SshKeyStrategy): SshKeyFastify["authenticate"] {
  return (options = {}) => {
    const routeOptions = Object.freeze({ ...options });
    return async function sshKeyAuthenticate(request: FastifyRequest, reply: FastifyReply) {
      let decision;
      try {
        decision = await strategy.decide(fromFastifyRequest(request), routeOptions);
      } catch (error) {
        if (sendStoreFault(error, reply)) return reply;
        throw error;
      }
      if (!decision.refused) {
        request.sshKeyUser = decision.user;
        request.sshKeyAuth = decision.info;
        return;
      }
      const { refusal } = decision;
      void reply.code(refusal.status).headers(refusal.headers);
      if (refusal.status === 401) void reply.header("WWW-Authenticate", refusal.challenge);
      return reply.send(errorBody(refusal.code, refusal.message));
    };
  };
}

function strategyFor(options: FastifySshKeyOptions): { strategy: SshKeyStrategy; owned: boolean } {
  const { verify, strategy, crtauthHandshake: _handshake, ...strategyOptions } = options;
  if (!strategy) return { strategy: new SshKeyStrategy(strategyOptions, verify), owned: true };
  const extra = Object.keys(strategyOptions).concat(verify ? ["verify"] : []);
  if (extra.length > 0) throw new TypeError(`fastifySshKey: with a strategy, leave out the strategy options (got ${extra.join(", ")})`);
  return { strategy, owned: false };
}

/**
 * The plugin body (fastify-plugin wrapped in index.ts, so its decorations reach the whole app):
 * one strategy per registration, opening its store on the first request, closed with the app.
 */
export async function sshKeyPlugin(app: FastifyInstance, options: FastifySshKeyOptions): Promise<void> {
  const { strategy, owned } = strategyFor(options);
  app.decorateRequest("sshKeyUser", null);
  app.decorateRequest("sshKeyAuth", null);
  app.decorate("sshKey", { authenticate: authenticateWith(strategy), strategy } satisfies SshKeyFastify);
  if (owned) app.addHook("onClose", () => strategy.close());

  const { realm: _realm, ...crtauth } = options.crtauth ?? {};
  if (options.crtauthHandshake ?? resolveCrtauthSecrets(crtauth) !== null) {
    const handshake = createCrtauthHandshake(
      { ...crtauth, now: options.now, exposeErrorCodes: options.exposeErrorCodes, failureThrottle: options.failureThrottle, store: () => strategy.store() },
      "fastifySshKey",
    );
    // Exactly `/_auth`, any method, as upstream's middleware and createCrtauthRouter answer it.
    app.all("/_auth", async (request, reply) => {
      try {
        const answer = await handshake.answer(fromFastifyRequest(request));
        // No payload for an empty answer, so no Content-Type either, as Express sends it.
        return reply
          .code(answer.status)
          .headers(answer.headers)
          .send(answer.body === "" ? undefined : answer.body);
      } catch (error) {
        if (sendStoreFault(error, reply)) return reply;
        throw error;
      }
    });
  }
}
