import { randomUUID } from "node:crypto";
import {
  duplicateWebhook,
  eventsColumn,
  maxDeliveryErrorLength,
  takesEvent,
  toDeliveryRecord,
  toWebhookRecord,
  unknownWebhook,
} from "../notifications/rules.js";
import type { ClaimedDelivery, DeliveryAttempt, NotificationStore, WebhookDeliveryRecord, WebhookRecord, WebhookWithSecret } from "../ports.js";

interface WebhookRow {
  id: string;
  url: string;
  secret: string;
  events: string;
  createdAt: Date;
  disabled: boolean;
}

/** NotificationStore in one process: claims and marks are atomic because nothing else shares the maps. */
export class MemoryNotifications implements NotificationStore {
  private readonly webhooks = new Map<string, WebhookRow>();
  private readonly queue: WebhookDeliveryRecord[] = [];
  private readonly marks = new Set<string>();

  constructor(private readonly now: () => number) {}

  async addWebhook(webhook: { url: string; secret: string; events: "*" | string[] }): Promise<WebhookWithSecret> {
    if ([...this.webhooks.values()].some((row) => row.url === webhook.url)) throw duplicateWebhook();
    const row: WebhookRow = {
      id: randomUUID(),
      url: webhook.url,
      secret: webhook.secret,
      events: eventsColumn(webhook.events),
      createdAt: new Date(this.now()),
      disabled: false,
    };
    this.webhooks.set(row.id, row);
    return { ...toWebhookRecord(row), secret: row.secret };
  }

  async listWebhooks(): Promise<WebhookRecord[]> {
    return [...this.webhooks.values()].map(toWebhookRecord);
  }

  async removeWebhook(id: string): Promise<WebhookRecord> {
    const row = this.webhooks.get(id);
    if (!row) throw unknownWebhook(id);
    this.webhooks.delete(id);
    // The database cascades a webhook's deliveries; so does this.
    for (let i = this.queue.length - 1; i >= 0; i--) if (this.queue[i]!.webhookId === id) this.queue.splice(i, 1);
    return toWebhookRecord(row);
  }

  async enqueue(event: string, payload: string, at: Date): Promise<number> {
    const targets = [...this.webhooks.values()].filter((row) => takesEvent(toWebhookRecord(row), event));
    for (const row of targets) {
      this.queue.push(
        toDeliveryRecord({
          id: this.queue.length + 1,
          webhookId: row.id,
          event,
          payload,
          createdAt: at,
          status: "pending",
          attempts: 0,
          nextAttemptAt: at,
          lastAttemptAt: null,
          responseStatus: null,
          lastError: null,
        }),
      );
    }
    return targets.length;
  }

  async claimDue(now: Date, leaseUntil: Date, limit: number): Promise<ClaimedDelivery[]> {
    const due = this.queue
      .filter((d) => d.status === "pending" && d.nextAttemptAt !== null && d.nextAttemptAt <= now)
      .sort((a, b) => a.nextAttemptAt!.getTime() - b.nextAttemptAt!.getTime() || a.id - b.id)
      .slice(0, limit);
    return due.map((delivery) => {
      delivery.nextAttemptAt = leaseUntil;
      const webhook = this.webhooks.get(delivery.webhookId)!;
      return { ...delivery, url: webhook.url, secret: webhook.secret };
    });
  }

  async recordAttempt(id: number, attempt: DeliveryAttempt): Promise<void> {
    const delivery = this.queue.find((d) => d.id === id);
    if (!delivery) return;
    delivery.status = attempt.status;
    delivery.attempts += 1;
    delivery.lastAttemptAt = attempt.at;
    delivery.nextAttemptAt = attempt.nextAttemptAt;
    delivery.responseStatus = attempt.responseStatus;
    delivery.lastError = attempt.error?.slice(0, maxDeliveryErrorLength) ?? null;
  }

  async deliveries(webhookId: string, limit: number): Promise<WebhookDeliveryRecord[]> {
    if (!this.webhooks.has(webhookId)) throw unknownWebhook(webhookId);
    return this.queue
      .filter((d) => d.webhookId === webhookId)
      .sort((a, b) => b.id - a.id)
      .slice(0, limit)
      .map((d) => ({ ...d }));
  }

  async markOnce(id: string): Promise<boolean> {
    if (this.marks.has(id)) return false;
    this.marks.add(id);
    return true;
  }
}
