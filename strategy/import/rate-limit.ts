import type { IncomingHttpHeaders } from "node:http";

/** Wait asked for without saying how long: a minute. */
const defaultWaitMs = 60_000;
/** Longest wait honoured: a day (a bogus reset far in the future must not park a source for good). */
const maxWaitMs = 24 * 3600_000;

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Seconds, or a Unix time in seconds (GitHub's x-ratelimit-reset; GitLab's RateLimit-Reset), as an instant. */
function secondsOrEpoch(text: string | undefined, nowMs: number): number | null {
  if (text === undefined || !/^\d{1,12}$/.test(text.trim())) return null;
  const value = Number(text.trim());
  return value > 1_000_000_000 ? value * 1000 : nowMs + value * 1000;
}

/**
 * When upstream lets us fetch again, or null when the answer is no rate limit: GitHub answers
 * 403 or 429 with `x-ratelimit-remaining: 0` and `x-ratelimit-reset`, or `Retry-After`
 * (secondary limits); GitLab 429 with `Retry-After` or `RateLimit-Reset`.
 */
export function rateLimitedUntil(status: number, headers: IncomingHttpHeaders, nowMs: number): Date | null {
  const exhausted = header(headers, "x-ratelimit-remaining")?.trim() === "0";
  if (status !== 429 && !(status === 403 && (exhausted || header(headers, "retry-after") !== undefined))) return null;
  const retryAfter = header(headers, "retry-after");
  const asDate = retryAfter !== undefined && !/^\s*\d+\s*$/.test(retryAfter) ? Date.parse(retryAfter) : NaN;
  const at =
    (retryAfter !== undefined && /^\s*\d+\s*$/.test(retryAfter) ? nowMs + Number(retryAfter.trim()) * 1000 : null) ??
    (Number.isFinite(asDate) ? asDate : null) ??
    secondsOrEpoch(header(headers, "x-ratelimit-reset"), nowMs) ??
    secondsOrEpoch(header(headers, "ratelimit-reset"), nowMs) ??
    nowMs + defaultWaitMs;
  return new Date(Math.min(Math.max(at, nowMs + 1000), nowMs + maxWaitMs));
}
