import type { AuthEventRecord, EventSink } from "../ports.js";
import type { Prisma } from "./client.js";

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

interface PendingUse {
  at: Date;
  ip: string | null;
  scheme: string;
  count: number;
}

/**
 * Writes authentication events and key last-used data off the request path.
 * Events are inserted in batches; a key's last-used row is written on its first
 * use and then at most once per interval, with the uses in between counted, so a
 * hot key costs one UPDATE a minute rather than one per request.
 */
export class PrismaActivityRecorder implements EventSink {
  private events: AuthEventRecord[] = [];
  private readonly pendingUses = new Map<string, PendingUse>();
  private readonly lastWritten = new Map<string, number>();
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> = Promise.resolve();
  private readonly interval: number;
  private readonly now: () => number;

  constructor(
    private readonly prisma: Prisma,
    private readonly options: ActivityRecorderOptions = {},
  ) {
    this.interval = options.lastUsedIntervalMs ?? 60_000;
    this.now = options.now ?? Date.now;
  }

  record(event: AuthEventRecord): void {
    this.events.push(event);
    if (event.outcome === "success" && event.keyId) {
      const pending = this.pendingUses.get(event.keyId);
      this.pendingUses.set(event.keyId, {
        at: event.at,
        ip: event.ip,
        scheme: event.scheme,
        count: (pending?.count ?? 0) + 1,
      });
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
        await this.prisma.authEvent.createMany({ data: events });
      } catch (error) {
        this.events = events.concat(this.events);
        failure = error;
      }
    }
    for (const [keyId, use] of due) {
      try {
        // updateMany: the key may have been deleted meanwhile, which is not an error.
        await this.prisma.publicKey.updateMany({
          where: { id: keyId },
          data: { lastUsedAt: use.at, lastUsedIp: use.ip, lastUsedScheme: use.scheme, useCount: { increment: use.count } },
        });
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
