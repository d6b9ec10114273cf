import type { ErrorRequestHandler } from "express";
import { ZodError } from "zod";
import { answerStoreFault } from "../http/error-handler.js";
import { errorBody } from "../http/error-response.js";
import { DirectoryError } from "../store/prisma/directory.js";

/** Stable error codes of the admin API. */
export type AdminErrorCode =
  | "invalid_request"
  | "invalid_body"
  | "malformed_json"
  | "body_too_large"
  | "invalid_cursor"
  | "invalid_keys"
  | "private_key"
  | "unauthenticated"
  | "session_expired"
  | "csrf_failed"
  | "cross_origin"
  | "forbidden"
  | "not_found"
  | "key_not_found"
  | "user_not_found"
  | "user_exists"
  | "username_confusable"
  | "key_exists"
  | "too_many_keys"
  | "already_revoked"
  | "cannot_change_self"
  | "link_invalid"
  | "link_expired"
  | "link_used"
  | "user_disabled"
  | "rate_limited";

/** A refusal with its HTTP status; the router's error handler answers `{"error":{"code","message"}}`. */
export class AdminError extends Error {
  override readonly name = "AdminError";
  constructor(
    readonly status: number,
    readonly code: AdminErrorCode | (string & {}),
    message: string,
    readonly extra?: Record<string, unknown>,
  ) {
    super(message);
  }
}

function describeZod(error: ZodError): string {
  const issue = error.issues[0];
  if (!issue) return "invalid request";
  const where = issue.path.length > 0 ? issue.path.join(".") : "body";
  return `${where}: ${issue.message}`.slice(0, 300);
}

/** JSON errors for everything under the admin router; never a 500 for bad input, never a stack to the client. */
export function adminErrorHandler(log: (error: unknown) => void): ErrorRequestHandler {
  return (error, _req, res, next) => {
    if (res.headersSent) return next(error);
    if (error instanceof AdminError) {
      res.status(error.status).json({ error: { code: error.code, message: error.message, ...error.extra } });
      return;
    }
    if (error instanceof ZodError) {
      res.status(400).json(errorBody("invalid_request", describeZod(error)));
      return;
    }
    if (error instanceof DirectoryError) {
      const [status, code] =
        error.code === "not_found"
          ? [404, "not_found"]
          : error.code === "conflict"
            ? [409, "conflict"]
            : error.code === "too_many_keys"
              ? [409, "too_many_keys"]
              : error.code === "confusable"
                ? [409, "username_confusable"]
                : [400, "invalid_request"];
      res.status(status).json(errorBody(code, error.message));
      return;
    }
    if (answerStoreFault(error, res)) return;
    // body-parser errors carry a status and a type.
    const status = typeof error?.status === "number" ? error.status : typeof error?.statusCode === "number" ? error.statusCode : 500;
    if (status === 413) {
      res.status(413).json(errorBody("body_too_large", "the request body is too large"));
      return;
    }
    if (status === 404) {
      res.status(404).json(errorBody("not_found", "no such file"));
      return;
    }
    if (status >= 400 && status < 500) {
      const code = error?.type === "entity.parse.failed" ? "malformed_json" : "invalid_body";
      res.status(400).json(errorBody(code, code === "malformed_json" ? "the request body is not valid JSON" : "the request body cannot be read"));
      return;
    }
    log(error);
    res.status(500).json(errorBody("internal_error", "internal error"));
  };
}
