import { Router } from "express";
import { fromExpressRequest } from "../../http/express-request.js";
import { createCrtauthHandshake, type CrtauthRouterOptions } from "./handshake.js";

export { CRTAUTH_ERROR_HEADER, type CrtauthRouterOptions, type CrtauthRouterStore } from "./handshake.js";

/**
 * Express router answering the crtauth handshake at `/_auth` (mount it at the app's root),
 * the way upstream's WSGI middleware does: any method; `X-CHAP: request:<…>` → 200 with
 * `X-CHAP: challenge:<…>`; `X-CHAP: response:<…>` → 200 with `X-CHAP: token:<…>`; no X-CHAP
 * → 403 with an empty body; anything refused → 403 `Failed to authenticate user` (plus an
 * `X-Sshkey-Error` header with the precise code). Where upstream crashes (an X-CHAP value
 * without a colon → 500) this answers 403 too. The Authorization header is not looked at.
 *
 * A thin HTTP adapter: the response step goes through the verification pipeline
 * (core/pipeline.ts) with the crtauth-response codec, so it has the strategy's key ranking,
 * key-state refusals, failure throttle, one-time redemption (shared through the
 * ReplayStore) and one event per handshake message in the EventSink, as scheme "crtauth".
 *
 * @example
 * app.use(createCrtauthRouter({ store, secret: process.env.CRTAUTH_SECRET }));
 * app.get("/api", passport.authenticate("sshkey", { session: false }), handler);
 */
export function createCrtauthRouter(options: CrtauthRouterOptions): Router {
  const handshake = createCrtauthHandshake(options, "createCrtauthRouter");
  const router = Router();
  router.use((req, res, next) => {
    // Exactly `/_auth`, as upstream compares PATH_INFO: not `/_auth/`, not `/_AUTH`.
    if (req.path !== "/_auth" || req.baseUrl !== "") return next();
    handshake
      .answer(fromExpressRequest(req))
      .then((answer) => res.status(answer.status).set(answer.headers).end(answer.body))
      .catch(next);
  });
  return router;
}
