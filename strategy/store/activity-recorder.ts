import { usageOf } from "./key-usage.js";
import type { AuthEventRecord, EventSink } from "./ports.js";

/** A batch of last-used data for one key. */
export interface KeyUse {
  at: Date;
  ip: string | null;
  scheme: string;
  count: number;
}

/** One key's sign-ins on one UTC day, counted since the last flush. */
export interface KeyUsageCount {
  keyId: string;
  day: string;
  successes: number;
  failures: number;
}

/** Where the recorder's batches go; one implementation per database driver. */
export interface ActivityWriter {
  insertEvents(events: readonly AuthEventRecord[]): Promise<void>;
  /** Sets last-used fields and adds `count` uses; a key deleted meanwhile is no error. */
  recordKeyUse(keyId: string, use: KeyUse): Promise<void>;
  /** Deletes up to `limit` events older than `before` (retention); resolves with how many. */
  pruneEvents(before: Date, limit: number): Promise<number>;
  /** Adds each count to its (key, day) row, creating it; a key deleted meanwhile is skipped. One transaction. */
  addKeyUsage(counts: readonly KeyUsageCount[]): Promise<void>;
  /** Deletes daily counts of days before `beforeDay` (YYYY-MM-DD); resolves with how many rows went. */
  pruneKeyUsage(beforeDay: string): Promise<number>;
}

export interface ActivityRecorderOptions {
  /** At most one last-used write per key per this many ms (default one minute). */
  lastUsedIntervalMs?: number | undefined;
  /** How often buffered events and due last-used updates are written (default 1 s). */
  flushEveryMs?: number | undefined;
  /** Events buffered beyond this are written at once (default 500). */
  maxBufferedEvents?: number | undefined;
  /**
   * Most events held while the database cannot take them (default 10,000). Beyond it the oldest
   * failure is dropped first, a success only when no failure is left; drops are counted
   * (`stats()`) and reported through `onDrop`.
   */
  maxQueuedEvents?: number | undefined;
  /** Longest wait between retries after failed writes (default 10 s); the wait doubles from flushEveryMs. */
  maxRetryDelayMs?: number | undefined;
  now?: (() => number) | undefined;
  /** Called when a background write fails; the rows stay queued for the next attempt. */
  onError?: ((error: unknown) => void) | undefined;
  /** Called when the queue is full and an event is dropped (at most once per second). */
  onDrop?: ((dropped: DroppedEvents) => void) | undefined;
}

/** Events the recorder could not keep, by outcome, since it started. */
export interface DroppedEvents {
  failures: number;
  successes: number;
}

export interface ActivityStats {
  queuedEvents: number;
  dropped: DroppedEvents;
  /** Consecutive failed writes (0 when the last write went through). */
  failedWrites: number;
}

type PendingUse = KeyUse;

/** An event with its place in arrival order (failures and successes wait in separate queues). */
interface Queued {
  seq: number;
  event: AuthEventRecord;
}

/** Both queues merged back into the order the events were recorded in. */
function inArrivalOrder(a: readonly Queued[], b: readonly Queued[]): AuthEventRecord[] {
  const out: AuthEventRecord[] = new Array(a.length + b.length);
  let i = 0;
  let j = 0;
  for (let k = 0; k < out.length; k++) out[k] = j >= b.length || (i < a.length && a[i]!.seq < b[j]!.seq) ? a[i++]!.event : b[j++]!.event;
  return out;
}

/**
 * Writes authentication events and key last-used data off the request path.
 * Events are inserted in batches; a key's last-used row is written on its first
 * use and then at most once per interval, with the uses in between counted, so a
 * hot key costs one UPDATE a minute rather than one per request. Daily usage counts
 * (store/key-usage.ts) are summed in memory and written on every flush, one upsert per key
 * and day that saw use since the last.
 *
 * While the database refuses writes the queue is bounded (maxQueuedEvents): unauthenticated
 * traffic must not grow memory without end during an outage. Failures are kept in a queue
 * of their own so the oldest can be dropped first; successes (someone logged in) go last.
 * Retries back off, and no write is forced by a full buffer until one succeeds again.
 */
export class ActivityRecorder implements EventSink {
  private failures: Queued[] = [];
  private successes: Queued[] = [];
  private sequence = 0;
  private readonly dropped: DroppedEvents = { failures: 0, successes: 0 };
  private lastDropReport = 0;
  private failedWrites = 0;
  private readonly pendingUses = new Map<string, PendingUse>();
  /** Uses taken out of pendingUses by a write still in flight: still pending for readers. */
  private readonly writing = new Map<string, PendingUse>();
  private readonly lastWritten = new Map<string, number>();
  /** By key and day. */
  private pendingUsage = new Map<string, KeyUsageCount>();
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> = Promise.resolve();
  private readonly interval: number;
  private readonly now: () => number;

  constructor(
    private readonly writer: ActivityWriter,
    private readonly options: ActivityRecorderOptions = {},
  ) {
    this.interval = options.lastUsedIntervalMs ?? 60_000;
    this.now = options.now ?? Date.now;
  }

  record(event: AuthEventRecord): void {
    const queued = { seq: this.sequence++, event };
    // An alarm (a security key's counter went backwards) is rare and only ever follows a
    // verified signature: it is kept as long as the sign-ins, not dropped with the failures.
    if (event.outcome === "failure") this.failures.push(queued);
    else this.successes.push(queued);
    if (this.queued > (this.options.maxQueuedEvents ?? 10_000)) this.dropOne();
    if (event.outcome === "success" && event.keyId) {
      // Updated in place: a hot key is seen on most requests.
      const pending = this.pendingUses.get(event.keyId);
      if (pending) {
        pending.at = event.at;
        pending.ip = event.ip;
        pending.scheme = event.scheme;
        pending.count++;
      } else {
        this.pendingUses.set(event.keyId, { at: event.at, ip: event.ip, scheme: event.scheme, count: 1 });
      }
    }
    const usage = usageOf(event);
    if (usage !== null) this.countUsage(usage.keyId, usage.day, usage.success ? 1 : 0, usage.success ? 0 : 1);
    if (this.failedWrites === 0 && this.queued >= (this.options.maxBufferedEvents ?? 500)) void this.write(false);
    else this.schedule();
  }

  private countUsage(keyId: string, day: string, successes: number, failures: number): void {
    const id = `${keyId}\u0000${day}`;
    const pending = this.pendingUsage.get(id);
    if (pending) {
      pending.successes += successes;
      pending.failures += failures;
    } else {
      this.pendingUsage.set(id, { keyId, day, successes, failures });
    }
  }

  /** This key's sign-ins not yet written to its last-used columns (also those being written now). */
  pendingUse(keyId: string): KeyUse | undefined {
    const pending = this.pendingUses.get(keyId);
    const writing = this.writing.get(keyId);
    if (!writing) return pending && { ...pending };
    if (!pending) return { ...writing };
    return { ...pending, count: pending.count + writing.count };
  }

  stats(): ActivityStats {
    return { queuedEvents: this.queued, dropped: { ...this.dropped }, failedWrites: this.failedWrites };
  }

  private get queued(): number {
    return this.failures.length + this.successes.length;
  }

  private dropOne(): void {
    if (this.failures.length > 0) {
      this.failures.shift();
      this.dropped.failures++;
    } else {
      this.successes.shift();
      this.dropped.successes++;
    }
    const now = Date.now();
    if (now - this.lastDropReport >= 1000) {
      this.lastDropReport = now;
      this.options.onDrop?.({ ...this.dropped });
    }
  }

  /** Writes everything buffered, including last-used updates not yet due. */
  flush(): Promise<void> {
    return this.write(true);
  }

  /** Flushes and stops the timer; call on shutdown (SIGTERM) so nothing is lost. */
  async close(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.flush();
  }

  private schedule(): void {
    if (this.timer) return;
    const every = this.options.flushEveryMs ?? 1000;
    const delay = Math.min(every * 2 ** this.failedWrites, Math.max(every, this.options.maxRetryDelayMs ?? 10_000));
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.write(false).then(() => {
        if (this.pendingUses.size > 0 || this.pendingUsage.size > 0 || this.queued > 0) this.schedule();
      });
    }, delay);
    this.timer.unref();
  }

  private write(everything: boolean): Promise<void> {
    // Serialised: two overlapping flushes could otherwise double-count uses.
    const run = this.running.then(() => this.writeOnce(everything));
    this.running = run.catch(() => {});
    return run;
  }

  private async writeOnce(everything: boolean): Promise<void> {
    const now = this.now();
    const failures = this.failures;
    const successes = this.successes;
    this.failures = [];
    this.successes = [];
    const events = inArrivalOrder(failures, successes);
    const due = [...this.pendingUses].filter(([keyId]) => everything || now - (this.lastWritten.get(keyId) ?? -Infinity) >= this.interval);
    for (const [keyId, use] of due) {
      this.pendingUses.delete(keyId);
      this.writing.set(keyId, use);
    }
    const usage = [...this.pendingUsage.values()];
    this.pendingUsage = new Map();
    let failure: unknown = null;
    if (events.length > 0) {
      try {
        await this.writer.insertEvents(events);
      } catch (error) {
        // Back in front of what arrived meanwhile, then trimmed to the bound (oldest failures first).
        this.failures = failures.concat(this.failures);
        this.successes = successes.concat(this.successes);
        while (this.queued > (this.options.maxQueuedEvents ?? 10_000)) this.dropOne();
        failure = error;
      }
    }
    for (const [keyId, use] of due) {
      try {
        await this.writer.recordKeyUse(keyId, use);
        this.lastWritten.set(keyId, now);
      } catch (error) {
        const later = this.pendingUses.get(keyId);
        this.pendingUses.set(keyId, later ? { ...later, count: later.count + use.count } : use);
        failure ??= error;
      } finally {
        this.writing.delete(keyId);
      }
    }
    if (usage.length > 0) {
      try {
        await this.writer.addKeyUsage(usage);
      } catch (error) {
        // Counted again with what arrived meanwhile: nothing is lost or doubled (one transaction).
        for (const u of usage) this.countUsage(u.keyId, u.day, u.successes, u.failures);
        failure ??= error;
      }
    }
    if (failure !== null) {
      this.failedWrites = Math.min(this.failedWrites + 1, 30);
      this.options.onError?.(failure);
      if (everything) throw failure;
    } else if (events.length > 0 || due.length > 0 || usage.length > 0) {
      this.failedWrites = 0;
    }
  }
}
