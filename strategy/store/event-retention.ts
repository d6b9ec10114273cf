import { integerSetting } from "../integer-setting.js";
/** Deletes up to `limit` events older than `before`; resolves with how many went. */
export type PruneEvents = (before: Date, limit: number) => Promise<number>;

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
 * Every instance may run one; deleting the same old rows twice is harmless.
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

  /** Deletes everything past the retention now, batch by batch; resolves with the number deleted. */
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
    const before = new Date(this.now() - this.days * 86_400_000);
    let total = 0;
    while (!this.stopped) {
      const deleted = await this.prune(before, this.batchSize);
      total += deleted;
      if (deleted < this.batchSize) break;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return total;
  }
}
