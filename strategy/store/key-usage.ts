import type { AuthEventRecord, KeyUsageDay, KeyUsageTotals } from "./ports.js";

/**
 * Which events count towards a key's daily usage: every attempt's event that names a stored
 * key. A success names the key that signed in; a refusal names one only after that key's
 * signature verified (revoked, expired, disabled owner, clock skew, replay, the verify
 * callback's no). A bad signature names no key: nothing proves which key it meant, and counting
 * it would let a stranger fill anyone's chart. An alarm is not an attempt but a note beside
 * one (a security key's counter went backwards), whose own event already counts.
 */
export function usageOf(event: AuthEventRecord): { keyId: string; day: string; success: boolean } | null {
  if (event.keyId === null || event.outcome === "alarm") return null;
  return { keyId: event.keyId, day: usageDay(event.at), success: event.outcome === "success" };
}

/** The UTC day of `at`, as KeyUsageDay stores it: YYYY-MM-DD. */
function usageDay(at: Date | number): string {
  return new Date(at).toISOString().slice(0, 10);
}

/** The first of the last `days` UTC days up to `nowMs` (today is one of them). */
export function firstUsageDay(nowMs: number, days: number): string {
  return usageDay(nowMs - (days - 1) * 86_400_000);
}

/** Days of usage the console and `keys list --json` show. */
export const usageWindowDays = 30;

/** Daily counts older than this many days are deleted by the event retention job. */
export const usageRetentionDays = 90;

/** The last `days` days up to `nowMs`, oldest first, with a zero row for each day without use (what a chart draws). */
export function usageSeries(stored: readonly KeyUsageDay[], nowMs: number, days: number): KeyUsageDay[] {
  const byDay = new Map(stored.map((d) => [d.day, d]));
  return Array.from({ length: days }, (_, i) => {
    const day = usageDay(nowMs - (days - 1 - i) * 86_400_000);
    const found = byDay.get(day);
    return { day, successes: found?.successes ?? 0, failures: found?.failures ?? 0 };
  });
}

/** A key's totals, zero when it has none in the window. */
export function totalsOf(totals: ReadonlyMap<string, KeyUsageTotals>, keyId: string): KeyUsageTotals {
  return totals.get(keyId) ?? { successes: 0, failures: 0 };
}
