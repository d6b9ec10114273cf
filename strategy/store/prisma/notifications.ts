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
import type { Prisma } from "./client.js";

const isUniqueViolation = (error: unknown) => (error as { code?: unknown }).code === "P2002";
const isMissingRow = (error: unknown) => (error as { code?: unknown }).code === "P2025";

/** NotificationStore over Prisma: every instance shares the queue; claims are compare-and-set leases. */
export class PrismaNotifications implements NotificationStore {
  constructor(private readonly prisma: Prisma) {}

  async addWebhook(webhook: { url: string; secret: string; events: "*" | string[] }): Promise<WebhookWithSecret> {
    try {
      const row = await this.prisma.webhookEndpoint.create({ data: { url: webhook.url, secret: webhook.secret, events: eventsColumn(webhook.events) } });
      return { ...toWebhookRecord(row), secret: row.secret };
    } catch (error) {
      if (isUniqueViolation(error)) throw duplicateWebhook();
      throw error;
    }
  }

  async listWebhooks(): Promise<WebhookRecord[]> {
    const rows = await this.prisma.webhookEndpoint.findMany({ orderBy: [{ createdAt: "asc" }, { id: "asc" }] });
    return rows.map(toWebhookRecord);
  }

  async removeWebhook(id: string): Promise<WebhookRecord> {
    try {
      return toWebhookRecord(await this.prisma.webhookEndpoint.delete({ where: { id } }));
    } catch (error) {
      if (isMissingRow(error)) throw unknownWebhook(id);
      throw error;
    }
  }

  async enqueue(event: string, payload: string, at: Date): Promise<number> {
    const targets = (await this.prisma.webhookEndpoint.findMany({ where: { disabled: false } })).filter((row) => takesEvent(toWebhookRecord(row), event));
    if (targets.length === 0) return 0;
    const { count } = await this.prisma.webhookDelivery.createMany({
      data: targets.map((row) => ({ webhookId: row.id, event, payload, createdAt: at, status: "pending", nextAttemptAt: at })),
    });
    return count;
  }

  async claimDue(now: Date, leaseUntil: Date, limit: number): Promise<ClaimedDelivery[]> {
    const due = await this.prisma.webhookDelivery.findMany({
      where: { status: "pending", nextAttemptAt: { lte: now } },
      include: { webhook: { select: { url: true, secret: true } } },
      orderBy: [{ nextAttemptAt: "asc" }, { id: "asc" }],
      take: limit,
    });
    const claimed: ClaimedDelivery[] = [];
    for (const { webhook, ...row } of due) {
      // Compare-and-set on the due time: of workers that read the same row, one moves it.
      const { count } = await this.prisma.webhookDelivery.updateMany({
        where: { id: row.id, status: "pending", nextAttemptAt: row.nextAttemptAt },
        data: { nextAttemptAt: leaseUntil },
      });
      if (count === 1) claimed.push({ ...toDeliveryRecord({ ...row, nextAttemptAt: leaseUntil }), url: webhook.url, secret: webhook.secret });
    }
    return claimed;
  }

  async recordAttempt(id: number, attempt: DeliveryAttempt): Promise<void> {
    await this.prisma.webhookDelivery.updateMany({
      where: { id },
      data: {
        status: attempt.status,
        attempts: { increment: 1 },
        lastAttemptAt: attempt.at,
        nextAttemptAt: attempt.nextAttemptAt,
        responseStatus: attempt.responseStatus,
        lastError: attempt.error?.slice(0, maxDeliveryErrorLength) ?? null,
      },
    });
  }

  async deliveries(webhookId: string, limit: number): Promise<WebhookDeliveryRecord[]> {
    if (!(await this.prisma.webhookEndpoint.findUnique({ where: { id: webhookId }, select: { id: true } }))) throw unknownWebhook(webhookId);
    const rows = await this.prisma.webhookDelivery.findMany({ where: { webhookId }, orderBy: { id: "desc" }, take: limit });
    return rows.map(toDeliveryRecord);
  }

  async markOnce(id: string, at: Date): Promise<boolean> {
    try {
      await this.prisma.notificationMark.create({ data: { id, at } });
      return true;
    } catch (error) {
      if (isUniqueViolation(error)) return false;
      throw error;
    }
  }
}
