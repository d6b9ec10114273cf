import type { ActivityStats } from "./activity-recorder.js";
import { storeFaultOf, StoreUnavailableError } from "./unavailable.js";

/** What /readyz reports. */
export interface Readiness {
  ready: boolean;
  /** Why not, in one line; absent when ready. */
  reason?: string;
  events: ActivityStats;
}

/**
 * Ready when the change feed is fresh and a write probe (one Setting row; on Redis also a
 * PING) succeeds within `timeoutMs`: a database that answers reads but refuses writes
 * (locked, read-only, full) cannot record a replay or a revocation, so it is not ready.
 */
export async function checkReadiness(probe: {
  assertFresh: () => void;
  probeWrite: () => Promise<void>;
  events: { stats(): ActivityStats };
  timeoutMs: number;
}): Promise<Readiness> {
  let timer: NodeJS.Timeout | undefined;
  try {
    probe.assertFresh();
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new StoreUnavailableError(`the database did not take a write within ${probe.timeoutMs} ms`)), probe.timeoutMs);
    });
    await Promise.race([probe.probeWrite(), timeout]);
    return { ready: true, events: probe.events.stats() };
  } catch (error) {
    const fault = storeFaultOf(error);
    const detail = error instanceof Error ? error.message : String(error);
    return { ready: false, reason: fault && fault !== error ? `${fault.message} (${detail})` : detail, events: probe.events.stats() };
  } finally {
    clearTimeout(timer);
  }
}
