import type { AuthEventRecord, EventSink } from "./ports.js";

/** A batch of last-used data for one key. */
export interface KeyUse {
  at: Date;
  ip: string | null;
  scheme: string;
  count: number;
}

/** Where the recorder's batches go; one implementation per database driver. */
export interface ActivityWriter {
  insertEvents(events: readonly AuthEventRecord[]): Promise<void>;
  /** Sets last-used fields and adds `count` uses; a key deleted meanwhile is no error. */
  recordKeyUse(keyId: string, use: KeyUse): Promise<void>;
}

export interface ActivityRecorderOptions {
  /** At most one last-used write per key per this many ms (default one minute). */
  lastUsedIntervalMs?: number;
  /** How often buffered events and due last-used updates are written (default 1 s). */
  flushEveryMs?: number;
  /** Events buffered beyond this are written at once (default 500). */
  maxBufferedEvents?: number;
  now?: () => number;
  /** Called when a background write fails; the rows stay queued for the next attempt. */
  onError?: (error: unknown) => void;
}

type PendingUse = KeyUse;

/**
 * Writes authentication events and key last-used data off the request path.
 * Events are inserted in batches; a key's last-used row is written on its first
 * use and then at most once per interval, with the uses in between counted, so a
 * hot key costs one UPDATE a minute rather than one per request.
 */
export class ActivityRecorder implements EventSink {
  private events: AuthEventRecord[] = [];
  private readonly pendingUses = new Map<string, PendingUse>();
  private readonly lastWritten = new Map<string, number>();
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
    this.events.push(event);
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
    if (this.events.length >= (this.options.maxBufferedEvents ?? 500)) void this.write(false);
    else this.schedule();
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
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.write(false).then(() => {
        if (this.pendingUses.size > 0 || this.events.length > 0) this.schedule();
      });
    }, this.options.flushEveryMs ?? 1000);
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
    const events = this.events;
    this.events = [];
    const due = [...this.pendingUses].filter(
      ([keyId]) => everything || now - (this.lastWritten.get(keyId) ?? -Infinity) >= this.interval,
    );
    for (const [keyId] of due) this.pendingUses.delete(keyId);
    let failure: unknown = null;
    if (events.length > 0) {
      try {
        await this.writer.insertEvents(events);
      } catch (error) {
        this.events = events.concat(this.events);
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
      }
    }
    if (failure !== null) {
      this.options.onError?.(failure);
      if (everything) throw failure;
    }
  }
}
