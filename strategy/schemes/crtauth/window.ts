import { AuthError } from "../../errors.js";

/**
 * Upstream: refuse when `valid_from > now` or `valid_to < now` (now in fractional
 * seconds). In ms: valid_from*1000 > now, valid_to*1000 < now.
 */
export function checkWindow(w: { validFrom: number; validTo: number }, nowMs: number, toleranceMs: number): void {
  if (w.validFrom * 1000 > nowMs + toleranceMs) {
    throw new AuthError("clock_skew", "crtauth message is not valid yet", {
      detail: { skewMs: w.validFrom * 1000 - nowMs, validFrom: w.validFrom },
    });
  }
  if (w.validTo * 1000 < nowMs - toleranceMs) {
    throw new AuthError("token_expired", "crtauth message has expired", {
      detail: { expiredMs: nowMs - w.validTo * 1000, validTo: w.validTo },
    });
  }
}
