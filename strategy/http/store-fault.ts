import { storeFaultOf } from "../store/unavailable.js";
import { errorBody, type ErrorBody } from "./error-response.js";

/**
 * The 503 for an error that says the database is locked, unreachable, too slow or read-only
 * (its Retry-After in seconds and the body), or null for any other error.
 */
export function storeFaultAnswer(error: unknown): { retryAfterSeconds: number; body: ErrorBody } | null {
  const fault = storeFaultOf(error);
  if (!fault) return null;
  return { retryAfterSeconds: fault.retryAfterSeconds, body: errorBody("unavailable", "the service is temporarily unavailable; try again shortly") };
}
