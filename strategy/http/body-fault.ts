import type { IncomingHttpHeaders } from "node:http";
import type { BodyFault } from "../core/request-view.js";
import { AuthError } from "../errors.js";

/** Does the request carry a body on the wire (RFC 9112 §6.3, as type-is' hasBody)? */
export function hasBody(headers: IncomingHttpHeaders): boolean {
  if (headers["transfer-encoding"] !== undefined) return true;
  const length = headers["content-length"];
  return length !== undefined && length !== "0";
}

/** The refusal RequestView.body answers when the exact bytes are not available. */
export function unbindable(fault: BodyFault, reason: string): AuthError {
  return new AuthError("binding_mismatch", `this request cannot be bound: ${reason}`, { detail: { body: fault } });
}
