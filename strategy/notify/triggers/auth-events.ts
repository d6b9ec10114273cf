import type { AuthEventEntry } from "../../store/ports.js";
import type { Notice } from "../notice.js";

/** A security key's counter went backwards (the EventSink records it with outcome "alarm"): owner and admins are told. */
export function noticeOfAlarm(event: AuthEventEntry): Notice | null {
  if (event.outcome !== "alarm" || !event.userId || !event.username) return null;
  return {
    event: "key.counter_alarm",
    markId: `alarm:${event.id}:${event.at.toISOString()}`,
    at: event.at,
    owner: { id: event.userId, username: event.username },
    key: event.keyId ? { id: event.keyId, comment: event.keyComment ?? "", fingerprint: event.keyFingerprint ?? "" } : null,
    ip: event.ip,
    detail: { scheme: event.scheme },
    mailAdmins: true,
    actor: undefined,
  };
}

export interface RepeatedFailures {
  /** This many failed sign-ins naming one user within one window notify (default 10). */
  threshold?: number | undefined;
  /** The window, fixed and aligned to the epoch so every instance counts the same one (default 15 minutes). */
  windowMs?: number | undefined;
}

/** One notice per user whose failures in the window starting at `windowStart` reached the threshold (one per user and window). */
export function noticesOfFailures(failures: readonly AuthEventEntry[], windowStart: Date, windowMs: number, threshold: number): Notice[] {
  const byUser = new Map<string, AuthEventEntry[]>();
  for (const failure of failures) {
    if (failure.outcome !== "failure" || !failure.userId || !failure.username) continue;
    const list = byUser.get(failure.userId) ?? [];
    list.push(failure);
    byUser.set(failure.userId, list);
  }
  return [...byUser.values()]
    .filter((list) => list.length >= threshold)
    .map((list) => {
      const latest = list.reduce((a, b) => (b.at > a.at ? b : a));
      const addresses = [...new Set(list.map((f) => f.ip).filter((ip) => ip !== null))];
      return {
        event: "auth.repeated_failures" as const,
        markId: `failures:${latest.userId}:${windowStart.toISOString()}`,
        at: latest.at,
        owner: { id: latest.userId!, username: latest.username! },
        key: null,
        ip: latest.ip,
        detail: {
          failures: list.length,
          windowStart: windowStart.toISOString(),
          windowMinutes: Math.round(windowMs / 60_000),
          addresses: addresses.slice(0, 10).join(", "),
          lastError: latest.errorCode,
        },
      };
    });
}
