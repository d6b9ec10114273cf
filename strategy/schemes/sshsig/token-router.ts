import { Router, type Request, type Response } from "express";
import { z } from "zod";
import { SSHSIG_TOKEN_PATH } from "../../contract/sshsig-token.js";
import type { AnyCodec, Verified } from "../../core/codec.js";
import { verifyCredential } from "../../core/pipeline.js";
import { AuthError, isAuthError } from "../../errors.js";
import { parseAuthorization, syntaxOfCodecs, type ParsedAuthorization } from "../../http/authorization.js";
import { challengeWithError, errorBody, publicRefusal, statusForCode } from "../../http/error-response.js";
import { fromExpressRequest } from "../../http/express-request.js";
import { parseOptions } from "../../options/parse-options.js";
import type { SshKeyStrategy } from "../../strategy.js";
import { sshsigTokenIssuerOf, type SshsigTokenIssuer } from "./token-scheme.js";

export interface SshsigTokenRouterOptions {
  /**
   * The strategy whose `sshsig` codec verifies the signed request (its namespace, clock window,
   * replay protection, store, failure throttle and event log) and whose `sshsigToken` codec mints
   * the token and accepts it afterwards (its lifetime and the crtauth secret).
   */
  strategy: SshKeyStrategy;
}

const routerOptionsSchema = z.strictObject({
  strategy: z.custom<SshKeyStrategy>(
    (value) => typeof value === "object" && value !== null && Array.isArray((value as SshKeyStrategy).schemes),
    "must be an SshKeyStrategy",
  ),
});

/**
 * A token names a stored key and is checked against it on every use; a certified key has no
 * row to check, so its login is refused here rather than answered with a token that never works.
 */
function tokenableKey(verified: Verified): AuthError | null {
  return verified.key.certifiedBy === undefined
    ? null
    : new AuthError("rejected", `${SSHSIG_TOKEN_PATH} does not issue tokens for certificate logins yet: sign each request with the certificate`);
}

/**
 * Express router answering `POST /_sshsig/token` (mount it at the app's root): one request
 * signed with `Authorization: SSHSIG …` (over POST, this path and its body, as any SSHSIG
 * request) is exchanged for a short-lived bearer token, so a hardware key is touched once per
 * session. The request goes through the verification pipeline with the strategy's own sshsig
 * codec: one verification path, one auth event (scheme "sshsig"), the SSHSIG accepted once.
 * 200 answers `{ token, tokenType: "SSHSIG-Token", expiresAt, expiresIn }`; the client then
 * sends `Authorization: SSHSIG-Token <token>` until `expiresAt`. Refusals are the strategy's
 * JSON error body with WWW-Authenticate and its status (400, 401, 413, 429).
 *
 * @example
 * app.use(createSshsigTokenRouter({ strategy }));
 * app.get("/api", passport.authenticate("sshkey", { session: false }), handler);
 */
export function createSshsigTokenRouter(options: SshsigTokenRouterOptions): Router {
  const { strategy } = parseOptions(routerOptionsSchema, options, "createSshsigTokenRouter");
  const codecs = tokenCodecsOf(strategy);
  if (typeof codecs === "string") throw new TypeError(`createSshsigTokenRouter: ${codecs}`);
  const { sshsig, issue } = codecs;

  const refuse = (res: Response, error: AuthError): void => {
    const { code, message } = publicRefusal(error.code, error.message, strategy.exposeErrorCodes);
    const retryAfter = error.detail?.retryAfterSeconds;
    if (typeof retryAfter === "number") res.set("Retry-After", String(retryAfter));
    res
      .status(statusForCode(code))
      .set("WWW-Authenticate", challengeWithError(sshsig.challenge, code, message))
      .json(errorBody(code, message));
  };

  const exchange = async (req: Request, res: Response): Promise<void> => {
    res.set("Cache-Control", "no-store");
    const header = parseAuthorization(req.headers.authorization, syntaxOfCodecs([sshsig]));
    const credential = sshsigCredential(header, sshsig);
    if (isAuthError(credential)) return refuse(res, credential);
    const deps = await strategy.pipelineDeps();
    const result = await verifyCredential(sshsig, credential, fromExpressRequest(req), deps, undefined, tokenableKey);
    if (isAuthError(result)) return refuse(res, result);
    res.status(200).json(issue(result, deps.now()));
  };

  const router = Router();
  router.post(SSHSIG_TOKEN_PATH, (req, res, next) => {
    exchange(req, res).catch(next);
  });
  router.all(SSHSIG_TOKEN_PATH, (_req, res) => {
    res
      .status(405)
      .set("Allow", "POST")
      .json(errorBody("method_not_allowed", `${SSHSIG_TOKEN_PATH} takes POST only`));
  });
  return router;
}

/** The strategy's sshsig codec and token minter, or what it lacks. */
function tokenCodecsOf(strategy: SshKeyStrategy): { sshsig: AnyCodec; issue: SshsigTokenIssuer } | string {
  const sshsig = strategy.schemes.find((codec) => codec.name === "sshsig");
  const issue = strategy.schemes.map(sshsigTokenIssuerOf).find((issuer) => issuer !== undefined);
  if (!sshsig) return 'the strategy must enable the "sshsig" scheme';
  if (!issue) return 'the strategy must enable the "sshsigToken" scheme with a secret (option crtauth.secret or CRTAUTH_SECRET)';
  return { sshsig, issue };
}

/** Whether createSshsigTokenRouter can serve tokens for this strategy (the demo app mounts it then). */
export function issuesSshsigTokens(strategy: SshKeyStrategy): boolean {
  return typeof tokenCodecsOf(strategy) !== "string";
}

/** The SSHSIG credential, or why there is none: no header, too large, malformed, another scheme (a token is not exchanged for a token). */
function sshsigCredential(header: ParsedAuthorization, sshsig: AnyCodec): string | AuthError {
  switch (header.kind) {
    case "none":
      return new AuthError("missing_credentials", `POST ${SSHSIG_TOKEN_PATH} needs an Authorization: SSHSIG header`);
    case "too_large":
      return new AuthError("credentials_too_large", "the Authorization header is too large");
    case "malformed":
      return new AuthError("malformed_header", `malformed Authorization header: ${header.reason}`);
    case "credential":
      if (sshsig.claims(header.word, header.credential)) return header.credential;
      return new AuthError("unsupported_scheme", `only an SSHSIG-signed request is exchanged for a token, not ${JSON.stringify(header.word.slice(0, 20))}`);
  }
}
