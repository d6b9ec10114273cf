import type { AuthEventRecord } from "../store/ports.js";
import type { RequestView } from "./request-view.js";

/** One authentication event as the log stores it, with the request's client address and user agent. */
export function authEventFrom(
  request: RequestView,
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
    ip: request.clientAddress,
    userAgent: request.userAgent?.slice(0, 300) ?? null,
  };
}
