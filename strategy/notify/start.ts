import type { AuditEntry, AuthEventEntry, EventPageQuery, SshKeyStore } from "../store/ports.js";
import type { Mailer } from "./mail/mailer.js";
import type { Notice } from "./notice.js";
import type { Notifier } from "./notifier.js";
import type { RepeatedFailures } from "./triggers/auth-events.js";
import { WebhookWorker, type WebhookWorkerOptions } from "./webhooks/worker.js";

export interface NotificationOptions {
  store: Pick<SshKeyStore, "notifications" | "directory" | "audit" | "eventLog">;
  /** Where mails go (smtpMailer, mailerFromEnvironment); null or absent: webhooks only. */
  mailer?: Mailer | null | undefined;
  webhooks?: WebhookWorkerOptions | undefined;
  /** How often the logs and keys are scanned for what to tell (default 60 s). */
  scanEveryMs?: number | undefined;
  /** How far back a scan reads the audit and authentication logs (default 1 h): older entries never notify. */
  lookbackMs?: number | undefined;
  /** A key expiring within this many days is told about once (default 7). */
  expiringWithinDays?: number | undefined;
  repeatedFailures?: RepeatedFailures | undefined;
  /** Milliseconds since the epoch; for tests. */
  now?: (() => number) | undefined;
  /** Where failures go (default console.error). */
  log?: ((error: unknown) => void) | undefined;
}

export interface Notifications {
  /** Sends queued webhook deliveries now. */
  worker: WebhookWorker;
  /** Scans the audit log, the authentication log and key expiries once (what the timer does every `scanEveryMs`). */
  scanNow(): Promise<void>;
  stop(): Promise<void>;
}

const pageSize = 200;
const maxPagesPerScan = 25;

/** Every entry of a log from `from` on, newest first, in pages (bounded: a flood waits for the next scan). */
async function readSince<T extends { at: Date; id: number }>(
  page: (after: { at: Date; id: number } | undefined) => Promise<{ items: T[]; more: boolean }>,
): Promise<T[]> {
  const all: T[] = [];
  let after: { at: Date; id: number } | undefined;
  for (let i = 0; i < maxPagesPerScan; i++) {
    const { items, more } = await page(after);
    all.push(...items);
    const last = items.at(-1);
    if (!more || !last) break;
    after = { at: last.at, id: last.id };
  }
  return all;
}

/**
 * Starts notifications on this instance (`serve` does; apps call it next to the admin router):
 * the webhook worker, audit entries as they are appended here, and a periodic scan that finds
 * what other processes (the CLI, other instances) did, keys that expire, counter alarms and
 * repeated failures. Every instance may run it on one database: each notice is sent once.
 */
export function startNotifications(options: NotificationOptions): Notifications {
  const { store } = options;
  const now = options.now ?? Date.now;
  const log = options.log ?? ((error: unknown) => console.error("notification failed:", error));
  const worker = new WebhookWorker(store.notifications, { now, log, ...options.webhooks });
  // Imported when started, not with the package: a server without notifications does not hold them (start memory).
  const notices = () => import("./notices.js");
  let notifier: Notifier | null = null;
  const lookbackMs = options.lookbackMs ?? 3_600_000;
  const withinDays = options.expiringWithinDays ?? 7;
  const threshold = options.repeatedFailures?.threshold ?? 10;
  const windowMs = options.repeatedFailures?.windowMs ?? 900_000;

  const send = async (batch: readonly (Notice | null)[]) => {
    const code = await notices();
    notifier ??= new code.Notifier(store, options.mailer ?? null, log, () => void worker.runOnce().catch(log));
    for (const notice of batch) if (notice) await notifier.send(notice).catch(log);
  };
  const events = (query: Omit<EventPageQuery, "limit" | "after">) =>
    readSince<AuthEventEntry>((after) => store.eventLog.page({ ...query, after, limit: pageSize }));

  async function scanNow(): Promise<void> {
    const { noticeOfAuditEntry, noticeOfKeyExpiry, noticeOfAlarm, noticesOfFailures } = await notices();
    const at = now();
    const since = new Date(at - lookbackMs);
    const entries = await readSince<AuditEntry>((after) => store.audit.page({ action: "key.", from: since, after, limit: pageSize }));
    await send(entries.reverse().map(noticeOfAuditEntry));
    await send((await store.directory.listKeys()).map((key) => noticeOfKeyExpiry(key, at, withinDays)));
    await send((await events({ outcome: "alarm", from: since })).reverse().map(noticeOfAlarm));
    // The window now and the one before: failures written late (batched events) still count.
    for (const start of [Math.floor(at / windowMs) * windowMs - windowMs, Math.floor(at / windowMs) * windowMs]) {
      const failures = await events({ outcome: "failure", from: new Date(start), to: new Date(start + windowMs) });
      await send(noticesOfFailures(failures, new Date(start), windowMs, threshold));
    }
  }

  const unsubscribe = store.audit.onAppend(
    (entry) =>
      void notices()
        .then(({ noticeOfAuditEntry }) => send([noticeOfAuditEntry(entry)]))
        .catch(log),
  );
  let scanning: Promise<void> | null = null;
  const scan = () =>
    (scanning ??= scanNow()
      .catch(log)
      .finally(() => (scanning = null)));
  const timer = setInterval(scan, options.scanEveryMs ?? 60_000).unref();
  void scan();
  worker.start();
  return {
    worker,
    scanNow: async () => {
      await scanning;
      await scan();
    },
    async stop() {
      clearInterval(timer);
      unsubscribe();
      await scanning;
      await worker.stop();
      options.mailer?.close();
    },
  };
}
