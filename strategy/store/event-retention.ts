import { integerSetting } from "../integer-setting.js";
import { firstUsageDay, usageRetentionDays } from "./key-usage.js";
/** Deletes up to `limit` events older than `before`; resolves with how many went. */
export type PruneEvents = (before: Date, limit: number) => Promise<number>;

/** Deletes the daily usage counts of days before `beforeDay` (YYYY-MM-DD); resolves with how many rows went. */
export type PruneKeyUsage = (beforeDay: string) => Promise<number>;

export interface EventRetentionOptions {
  /** Events older than this many days are deleted (default EVENT_RETENTION_DAYS, else 90; 0 keeps them forever). */
  days?: number | undefined;
  /** How often old events are looked for (default every 10 minutes; the first run comes a minute after start). */
  everyMs?: number | undefined;
  /** Rows per DELETE: small, so a backlog never holds the write lock for long (default 1,000). */
  batchSize?: number | undefined;
  now?: (() => number) | undefined;
}

/**
 * Keeps the authentication log from growing without end: every `everyMs`, events older than
 * the retention are deleted in batches, each batch its own short statement, with a pause
 * between batches so requests and the activity flush get the database in between.
 * Every instance may run one; deleting the same old rows twice is harmless. Each run also
 * deletes daily key usage older than 90 days (store/key-usage.ts): a few rows per key and day,
 * one statement.
 */
export class EventRetention {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number> | null = null;
  private stopped = false;
  readonly days: number;
  private readonly batchSize: number;
  private readonly now: () => number;

  constructor(
    private readonly prune: PruneEvents,
    private readonly options: EventRetentionOptions = {},
    private readonly pruneUsage?: PruneKeyUsage,
  ) {
    this.days = options.days ?? integerSetting("EVENT_RETENTION_DAYS", { default: 90, min: 0, what: "a whole number of days, 0 to keep events forever" });
    if (!Number.isInteger(this.days) || this.days < 0) throw new TypeError("eventRetention.days must be a whole number ≥ 0");
    this.batchSize = options.batchSize ?? 1000;
    this.now = options.now ?? Date.now;
  }

  start(): void {
    if (this.days === 0 || this.timer || this.stopped) return;
    const every = this.options.everyMs ?? 10 * 60_000;
    const tick = (delay: number) => {
      this.timer = setTimeout(() => {
        void this.runOnce()
          .catch(() => 0)
          .finally(() => {
            if (!this.stopped) tick(every);
          });
      }, delay);
      this.timer.unref();
    };
    tick(Math.min(every, 60_000));
  }

  /** Deletes everything past the retention now, batch by batch; resolves with the number of events deleted. */
  runOnce(): Promise<number> {
    this.running ??= this.pruneAll().finally(() => (this.running = null));
    return this.running;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running?.catch(() => 0);
  }

  private async pruneAll(): Promise<number> {
    if (this.days === 0) return 0;
    const now = this.now();
    const before = new Date(now - this.days * 86_400_000);
    let total = 0;
    while (!this.stopped) {
      const deleted = await this.prune(before, this.batchSize);
      total += deleted;
      if (deleted < this.batchSize) break;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    if (this.pruneUsage && !this.stopped) await this.pruneUsage(firstUsageDay(now, usageRetentionDays));
    return total;
  }
}
