import type { Request } from "express";
import type { EventSink } from "../store/ports.js";

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

export function recordFailure(
  events: EventSink,
  req: Request,
  scheme: string,
  errorCode: string,
  untrustedUsername: string | null,
  nowMs: number,
): void {
  events.record({
    at: new Date(nowMs),
    scheme,
    outcome: "failure",
    errorCode,
    userId: null,
    username: untrustedUsername?.slice(0, 256) ?? null,
    keyId: null,
    ip: req.ip ?? null,
    userAgent: req.get("user-agent")?.slice(0, 300) ?? null,
  });
}
