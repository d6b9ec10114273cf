import crypto from "node:crypto";
import type { ChangeFeed } from "../ports.js";

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
 */
export class GenerationFeed implements ChangeFeed {
  private readonly listeners = new Set<() => void>();
  private last: string | null | undefined;
  private timer: NodeJS.Timeout | null = null;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly row: GenerationRow,
    private readonly pollMs = 250,
  ) {}

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
  async poll(): Promise<void> {
    let value: string | null;
    try {
      value = await this.row.read();
    } catch {
      // Freshness cannot be confirmed: caches must forget rather than serve stale keys.
      this.last = undefined;
      this.notify();
      return;
    }
    if (this.last !== undefined && value !== this.last) this.notify();
    this.last = value;
  }

  private notify(): void {
    for (const listener of this.listeners) listener();
  }

  private start(): void {
    if (this.timer) return;
    void this.poll();
    this.timer = setInterval(() => void this.poll(), this.pollMs);
    this.timer.unref();
  }
}
