import { AuthError, type AuthErrorCode, type AuthErrorDetail } from "../errors.js";

/**
 * How far a time may sit from the server's: the same both ways (a token's issue time), or
 * only one way (an expiry may be at most `behind` seconds past, a start at most `ahead`
 * seconds to come).
 */
type AllowedSkew = { readonly either: number } | { readonly behind: number } | { readonly ahead: number };

/** A time outside its window, measured against the server's clock. */
export interface ClockReading {
  /** What was measured, as the message starts: "token time", "certificate valid-before". */
  readonly subject: string;
  /** The subject's time minus the server's, in seconds: negative when it is behind. */
  readonly offsetSeconds: number;
  readonly nowMs: number;
  readonly allowed: AllowedSkew;
}

/** The server's time as the refusal shows it: ISO 8601 UTC, whole seconds. */
function serverTimeText(nowMs: number): string {
  return new Date(Math.floor(nowMs / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
}

function allowedText(allowed: AllowedSkew): string {
  if ("either" in allowed) return `±${allowed.either} s`;
  return "behind" in allowed ? `${allowed.behind} s behind` : `${allowed.ahead} s ahead`;
}

function limitOn(allowed: AllowedSkew): number {
  return "either" in allowed ? allowed.either : "behind" in allowed ? allowed.behind : allowed.ahead;
}

/** Whole seconds, unless rounding would show a refused skew as one the window allows (20.4 s against ±20 s). */
function secondsText(abs: number, limit: number): string {
  const whole = Math.round(abs);
  return Number.isInteger(abs) || whole > limit ? String(whole) : String(Number(abs.toFixed(3)));
}

/**
 * The one wording of a time-window refusal, in every scheme:
 * `token time is 47 s behind the server (server time 2026-12-01T20:17:12Z, allowed ±20 s)`.
 * The server's time and the caller's own skew are not secret (a Date header says as much),
 * and the message says nothing about users or keys.
 */
function clockSkewMessage(reading: ClockReading): string {
  const abs = Math.abs(reading.offsetSeconds);
  const direction = reading.offsetSeconds < 0 ? "behind" : "ahead of";
  return `${reading.subject} is ${secondsText(abs, limitOn(reading.allowed))} s ${direction} the server (server time ${serverTimeText(reading.nowMs)}, allowed ${allowedText(reading.allowed)})`;
}

/** A refusal of a time outside its window: `code` (clock_skew, or a scheme's older code such as token_expired) with the one message. */
export function clockRefusal(code: AuthErrorCode, reading: ClockReading, detail: AuthErrorDetail = {}): AuthError {
  return new AuthError(code, clockSkewMessage(reading), {
    detail: { ...detail, serverTime: serverTimeText(reading.nowMs), skewSeconds: reading.offsetSeconds, allowed: reading.allowed },
  });
}
