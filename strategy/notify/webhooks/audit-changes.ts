import type { AuditChange } from "../../audit/recorder.js";
import type { WebhookRecord } from "../../store/ports.js";

// A webhook in the audit log, by its URL; never its secret.
const target = (webhook: WebhookRecord) => ({ type: "webhook", id: webhook.id, name: webhook.url });
const snapshot = (webhook: WebhookRecord) => ({ url: webhook.url, events: webhook.events });

export function webhookAdded(webhook: WebhookRecord): AuditChange {
  return { action: "webhook.added", target: target(webhook), before: null, after: snapshot(webhook) };
}

export function webhookRemoved(webhook: WebhookRecord): AuditChange {
  return { action: "webhook.removed", target: target(webhook), before: snapshot(webhook), after: null };
}
