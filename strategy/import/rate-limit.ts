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

/** Retry-After: delay seconds, or an HTTP date (IMF-fixdate, as RFC 9110 says senders write it). */
function retryAfterAt(text: string | undefined, nowMs: number): number | null {
  if (text === undefined) return null;
  const value = text.trim();
  if (/^\d{1,12}$/.test(value)) return nowMs + Number(value) * 1000;
  if (/^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/.test(value)) {
    const date = Date.parse(value);
    return Number.isFinite(date) ? date : null;
  }
  return null;
}

/**
 * When upstream lets us fetch again, or null when the answer is no rate limit: GitHub answers
 * 403 or 429 with `x-ratelimit-remaining: 0` and `x-ratelimit-reset`, or `Retry-After`
 * (secondary limits); GitLab 429 with `Retry-After` or `RateLimit-Reset`. An unreadable time
 * waits a minute; any time is held within [a second, a day] from now.
 */
export function rateLimitedUntil(status: number, headers: IncomingHttpHeaders, nowMs: number): Date | null {
  const exhausted = header(headers, "x-ratelimit-remaining")?.trim() === "0";
  const retryAfter = header(headers, "retry-after");
  if (status !== 429 && !(status === 403 && (exhausted || retryAfter !== undefined))) return null;
  const at =
    retryAfterAt(retryAfter, nowMs) ??
    secondsOrEpoch(header(headers, "x-ratelimit-reset"), nowMs) ??
    secondsOrEpoch(header(headers, "ratelimit-reset"), nowMs) ??
    nowMs + defaultWaitMs;
  return new Date(Math.min(Math.max(at, nowMs + 1000), nowMs + maxWaitMs));
}
