import { clockRefusal } from "../../core/clock-skew.js";

/**
 * Upstream: refuse when `valid_from > now` or `valid_to < now` (now in fractional
 * seconds). In ms: valid_from*1000 > now, valid_to*1000 < now. `what` names the message
 * ("crtauth challenge", "crtauth token") in the refusal.
 */
export function checkWindow(w: { validFrom: number; validTo: number }, nowMs: number, toleranceMs: number, what: string): void {
  if (w.validFrom * 1000 > nowMs + toleranceMs) {
    throw clockRefusal(
      "clock_skew",
      { subject: `${what} valid_from`, offsetSeconds: w.validFrom - nowMs / 1000, nowMs, allowed: { ahead: toleranceMs / 1000 } },
      { skewMs: w.validFrom * 1000 - nowMs, validFrom: w.validFrom },
    );
  }
  if (w.validTo * 1000 < nowMs - toleranceMs) {
    throw clockRefusal(
      "token_expired",
      { subject: `${what} valid_to`, offsetSeconds: w.validTo - nowMs / 1000, nowMs, allowed: { behind: toleranceMs / 1000 } },
      { expiredMs: nowMs - w.validTo * 1000, validTo: w.validTo },
    );
  }
}
