import type { Request } from "express";
import type { AuthEventRecord } from "../store/ports.js";

export interface AuthFailure {
  code: string;
  message: string;
  status: number;
}

const failures = new WeakMap<Request, AuthFailure>();

/** Keeps why a request failed, for an error handler that answers in JSON. */
export function rememberFailure(req: Request, failure: AuthFailure): void {
  failures.set(req, failure);
}

/** Why SshKeyStrategy refused this request, if it did. */
export function authFailureOf(req: Request): AuthFailure | undefined {
  return failures.get(req);
}

/** One authentication event as the log stores it, with the request's IP and user agent. */
export function authEventFrom(
  req: Request,
  nowMs: number,
  fields: Pick<AuthEventRecord, "scheme" | "outcome" | "errorCode" | "userId" | "username" | "keyId">,
): AuthEventRecord {
  // Spelt out rather than spread: this runs once per request.
  return {
    at: new Date(nowMs),
    scheme: fields.scheme,
    outcome: fields.outcome,
    errorCode: fields.errorCode,
    userId: fields.userId,
    keyId: fields.keyId,
    username: fields.username === null ? null : fields.username.slice(0, 256),
    ip: req.ip ?? null,
    userAgent: req.get("user-agent")?.slice(0, 300) ?? null,
  };
}
