import type { AuthEventRecord, StoredKey } from "../store/ports.js";
import type { RequestView } from "./request-view.js";

/** One authentication event as the log stores it, with the request's client address and user agent. */
export function authEventFrom(
  request: RequestView,
  nowMs: number,
  fields: Pick<AuthEventRecord, "scheme" | "outcome" | "errorCode" | "userId" | "username" | "keyId">,
  signer?: StoredKey,
): AuthEventRecord {
  const cert = signer?.certifiedBy;
  if (cert !== undefined) {
    // A certified key has no row: the event names the CA and certificate instead.
    return {
      ...authEventFrom(request, nowMs, { ...fields, keyId: null }),
      caId: cert.authority.id,
      certSerial: cert.serial.toString(),
      certKeyId: cert.keyId,
      certPrincipal: fields.username,
    };
  }
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
