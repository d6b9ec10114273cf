import type { ErrorRequestHandler, Response } from "express";
import { errorBody } from "./error-response.js";
import { authFailureOf } from "./failure.js";
import { storeFaultAnswer } from "./store-fault.js";

/**
 * Express error handler that answers every failure as `{"error":{"code","message"}}`.
 * Use it with `passport.authenticate("sshkey", { session: false, failWithError: true })`
 * to get SshKeyStrategy's precise failure code instead of passport's plain-text body.
 * Errors that carry a 4xx status (body parsers, for example) keep it; a database that cannot
 * answer is a 503 with Retry-After (see answerStoreFault); anything else is a 500 whose
 * details go to `log`, never to the client.
 */
export function sshkeyErrorHandler(options: { log?: ((error: unknown) => void) | undefined } = {}): ErrorRequestHandler {
  const log = options.log ?? ((error: unknown) => console.error(error));
  return (error, req, res, next) => {
    if (res.headersSent) return next(error);
    const failure = authFailureOf(req);
    if (failure) {
      res.status(failure.status).json(errorBody(failure.code, failure.message));
      return;
    }
    if (answerStoreFault(error, res)) return;
    const status = typeof error?.status === "number" ? error.status : typeof error?.statusCode === "number" ? error.statusCode : 500;
    if (status >= 400 && status < 500) {
      const code = typeof error.type === "string" ? error.type.replace(/\./g, "_") : "bad_request";
      res.status(status).json(errorBody(code, error.expose === false ? "bad request" : String(error.message ?? "bad request")));
      return;
    }
    log(error);
    res.status(500).json(errorBody("internal_error", "internal error"));
  };
}

/**
 * Answers 503 `unavailable` with Retry-After when `error` says the database is locked, unreachable,
 * too slow or read-only; returns false for any other error. Not logged per request: an outage
 * would flood the log, and /readyz reports it.
 */
export function answerStoreFault(error: unknown, res: Response): boolean {
  const fault = storeFaultAnswer(error);
  if (!fault) return false;
  res.status(503).set("Retry-After", String(fault.retryAfterSeconds)).json(fault.body);
  return true;
}
