import { DirectoryError, type WebhookDeliveryRecord, type WebhookDeliveryStatus, type WebhookRecord } from "../ports.js";

/** The events column: "*" or a comma-separated list. */
export function eventsColumn(events: "*" | string[]): string {
  return events === "*" ? "*" : events.join(",");
}

function eventsOf(column: string): "*" | string[] {
  return column === "*" ? "*" : column.split(",").filter((name) => name !== "");
}

/** Whether a webhook receives `event`. */
export function takesEvent(webhook: Pick<WebhookRecord, "events" | "disabled">, event: string): boolean {
  return !webhook.disabled && (webhook.events === "*" || webhook.events.includes(event));
}

export const unknownWebhook = (id: string) => new DirectoryError("not_found", `no webhook ${id}`);
export const duplicateWebhook = () => new DirectoryError("conflict", "a webhook with this URL already exists");

interface WebhookRow {
  id: string;
  url: string;
  events: string;
  createdAt: Date;
  disabled: boolean;
}

export function toWebhookRecord(row: WebhookRow): WebhookRecord {
  return { id: row.id, url: row.url, events: eventsOf(row.events), createdAt: row.createdAt, disabled: row.disabled };
}

export function toDeliveryRecord(row: Omit<WebhookDeliveryRecord, "status"> & { status: string }): WebhookDeliveryRecord {
  return {
    id: row.id,
    webhookId: row.webhookId,
    event: row.event,
    payload: row.payload,
    createdAt: row.createdAt,
    // The column holds only what the stores write.
    status: row.status as WebhookDeliveryStatus,
    attempts: row.attempts,
    nextAttemptAt: row.nextAttemptAt,
    lastAttemptAt: row.lastAttemptAt,
    responseStatus: row.responseStatus,
    lastError: row.lastError,
  };
}

/** Stored error text stays short: a receiver's answer is not ours to keep in full. */
export const maxDeliveryErrorLength = 500;
