import type { ClaimedDelivery, NotificationStore } from "../../store/ports.js";
import { signWebhook, webhookHeaders } from "./signature.js";

export interface WebhookWorkerOptions {
  /** Wait before each retry, in order; after the last, the delivery is failed for good (default 30 s, 2 min, 10 min, 1 h, 6 h). */
  backoffMs?: readonly number[] | undefined;
  /** How long one attempt may take, connection to status line (default 10 s). */
  timeoutMs?: number | undefined;
  /** How often the queue is polled (default 5 s). */
  pollMs?: number | undefined;
  /** Deliver to loopback and private addresses too (an internal receiver, a test). Default false. */
  allowPrivateAddresses?: boolean | undefined;
  /** Milliseconds since the epoch; for tests. */
  now?: (() => number) | undefined;
  /** Where failures of the worker itself go (default console.error). */
  log?: ((error: unknown) => void) | undefined;
}

const defaultBackoffMs = [30_000, 120_000, 600_000, 3_600_000, 21_600_000] as const;
const claimBatch = 20;

/** What one attempt came to: a 2xx is delivered; anything else is retried, with its status or why it failed. */
async function attempt(delivery: ClaimedDelivery, at: number, options: { timeoutMs: number; allowPrivateAddresses: boolean }) {
  const timestamp = Math.floor(at / 1000);
  // Imported on the first delivery: a server with no webhooks does not hold the fetcher (start memory).
  const [{ guardedGet }, { fetchFailureText }] = await Promise.all([import("../../net/guarded-get.js"), import("../../net/failure-text.js")]);
  try {
    const { status } = await guardedGet(delivery.url, {
      post: delivery.payload,
      statusOnly: true,
      maxBytes: 0,
      allowPrivateAddresses: options.allowPrivateAddresses,
      what: "the webhook response",
      signal: AbortSignal.timeout(options.timeoutMs),
      headers: {
        "Content-Type": "application/json",
        "User-Agent": "passport-sshkey-webhooks",
        [webhookHeaders.event]: delivery.event,
        [webhookHeaders.delivery]: String(delivery.id),
        [webhookHeaders.timestamp]: String(timestamp),
        [webhookHeaders.signature]: signWebhook(delivery.secret, timestamp, delivery.payload),
      },
    });
    // A redirect is not followed: the receiver is the URL an admin registered, nowhere else.
    return {
      status,
      error: status >= 200 && status < 300 ? null : status >= 300 && status < 400 ? `redirect (HTTP ${status}) not followed` : `HTTP ${status}`,
    };
  } catch (error) {
    return { status: null, error: fetchFailureText(error, { endpoint: "the webhook receiver", host: "the webhook host" }) ?? "the request failed" };
  }
}

/**
 * Sends queued webhook deliveries: any number of instances may run one on the same database, as
 * each delivery is leased to the worker that claimed it (for longer than an attempt can take).
 * A failed attempt is retried after the next backoff step; past the last, it is failed.
 */
export class WebhookWorker {
  private readonly backoffMs: readonly number[];
  private readonly timeoutMs: number;
  private readonly pollMs: number;
  private readonly now: () => number;
  private readonly log: (error: unknown) => void;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number> | null = null;

  constructor(
    private readonly store: NotificationStore,
    private readonly options: WebhookWorkerOptions = {},
  ) {
    this.backoffMs = options.backoffMs ?? defaultBackoffMs;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.pollMs = options.pollMs ?? 5000;
    this.now = options.now ?? Date.now;
    this.log = options.log ?? ((error) => console.error("webhook delivery failed:", error));
  }

  /** Sends every delivery due now, once each; answers how many were attempted. Overlapping calls share one run. */
  runOnce(): Promise<number> {
    return (this.running ??= this.deliverDue().finally(() => (this.running = null)));
  }

  private async deliverDue(): Promise<number> {
    let attempted = 0;
    for (;;) {
      const now = this.now();
      const claimed = await this.store.claimDue(new Date(now), new Date(now + this.timeoutMs * 3), claimBatch);
      await Promise.all(claimed.map((delivery) => this.deliver(delivery)));
      attempted += claimed.length;
      if (claimed.length < claimBatch) return attempted;
    }
  }

  private async deliver(delivery: ClaimedDelivery): Promise<void> {
    const at = this.now();
    const result = await attempt(delivery, at, { timeoutMs: this.timeoutMs, allowPrivateAddresses: this.options.allowPrivateAddresses ?? false });
    const wait = this.backoffMs[delivery.attempts];
    const status = result.error === null ? "delivered" : wait === undefined ? "failed" : "pending";
    await this.store.recordAttempt(delivery.id, {
      at: new Date(at),
      status,
      nextAttemptAt: status === "pending" ? new Date(this.now() + wait!) : null,
      responseStatus: result.status,
      error: result.error,
    });
  }

  /** Polls the queue every `pollMs` until `stop`. */
  start(): void {
    if (this.timer) return;
    const tick = () => {
      this.runOnce()
        .catch(this.log)
        .finally(() => {
          if (this.timer) this.timer = setTimeout(tick, this.pollMs).unref();
        });
    };
    this.timer = setTimeout(tick, 0).unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running?.catch(() => {});
  }
}
