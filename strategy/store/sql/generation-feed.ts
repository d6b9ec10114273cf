import crypto from "node:crypto";
import type { ChangeFeed } from "../ports.js";
import { StoreUnavailableError } from "../unavailable.js";

/** How a generation feed reads and writes its one row; one implementation per driver. */
export interface GenerationRow {
  read(): Promise<string | null>;
  write(value: string): Promise<void>;
}

/**
 * A change feed any SQL database can carry: publishing writes a new random value into
 * one Setting row; every process polls that row (an indexed single-row read, a few
 * times a second) and notifies its subscribers when the value moved. Revocation thus
 * reaches every instance within one poll interval, even where no pub/sub exists
 * (SQLite shared by a server and the CLI).
 *
 * A poll that fails, or does not answer within `pollTimeoutMs`, counts as a change (caches
 * forget: fail closed), and `assertFresh()` refuses once no poll has succeeded for
 * `maxStalenessMs`, so an instance cut off from its database stops trusting what it holds
 * within that bound instead of serving it until the database comes back.
 */
export class GenerationFeed implements ChangeFeed {
  private readonly listeners = new Set<() => void>();
  private last: string | null | undefined;
  private timer: NodeJS.Timeout | null = null;
  private readonly inFlight = new Set<Promise<void>>();
  private polling: Promise<void> | null = null;
  /** Wall-clock time of the last successful read of the row (opening counts as one). */
  private confirmedAt = Date.now();
  private lastFailure: unknown = null;
  readonly pollTimeoutMs: number;
  readonly maxStalenessMs: number;

  constructor(
    private readonly row: GenerationRow,
    private readonly pollMs = 250,
    options: { pollTimeoutMs?: number | undefined; maxStalenessMs?: number | undefined } = {},
  ) {
    this.pollTimeoutMs = options.pollTimeoutMs ?? 1000;
    this.maxStalenessMs = options.maxStalenessMs ?? pollMs + this.pollTimeoutMs + 1000;
  }

  /**
   * Throws StoreUnavailableError while polls fail and none has succeeded for longer than
   * `maxStalenessMs`: what the caches hold can no longer be trusted. Only failed polls count,
   * not the time alone, so a busy event loop that runs its timers late does not refuse requests.
   */
  assertFresh(): void {
    if (!this.timer || this.lastFailure === null) return;
    const age = Date.now() - this.confirmedAt;
    if (age > this.maxStalenessMs) {
      const why = this.lastFailure instanceof Error ? `: ${this.lastFailure.message}` : "";
      throw new StoreUnavailableError(`the database has not answered for ${Math.round(age / 1000)} s${why}`, 1, { cause: this.lastFailure });
    }
  }

  /** The reason of the last failed poll, null once a poll succeeds again. */
  get failure(): unknown {
    return this.lastFailure;
  }

  publish(): Promise<void> {
    const value = crypto.randomUUID();
    // Local subscribers forget at once; other processes see the row at their next poll.
    this.notify();
    const write = this.row.write(value).then(() => {
      this.last = value;
    });
    this.inFlight.add(write);
    void write.finally(() => this.inFlight.delete(write)).catch(() => {});
    return write;
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    this.start();
    return () => this.listeners.delete(listener);
  }

  /** Stops polling after the publishes still in flight are written (a CLI exits right after). */
  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await Promise.allSettled([...this.inFlight]);
  }

  /** Checks the row once; exposed so a notification channel (LISTEN) can trigger it early. */
  poll(): Promise<void> {
    // One read at a time: a stalled database must not pile up a read per interval.
    this.polling ??= this.pollOnce().finally(() => (this.polling = null));
    return this.polling;
  }

  private async pollOnce(): Promise<void> {
    let value: string | null;
    let timer: NodeJS.Timeout | undefined;
    try {
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new StoreUnavailableError(`the database did not answer within ${this.pollTimeoutMs} ms`)), this.pollTimeoutMs);
      });
      value = await Promise.race([this.row.read(), timeout]);
    } catch (error) {
      // Freshness cannot be confirmed: caches must forget rather than serve stale keys.
      this.lastFailure = error;
      this.last = undefined;
      this.notify();
      return;
    } finally {
      clearTimeout(timer);
    }
    this.confirmedAt = Date.now();
    this.lastFailure = null;
    if (this.last !== undefined && value !== this.last) this.notify();
    this.last = value;
  }

  private notify(): void {
    for (const listener of this.listeners) listener();
  }

  private start(): void {
    if (this.timer) return;
    this.confirmedAt = Date.now();
    void this.poll();
    this.timer = setInterval(() => void this.poll(), this.pollMs);
    this.timer.unref();
  }
}
