import type { Request } from "express";

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
