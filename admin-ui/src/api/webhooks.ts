import { api } from "./client";
import type { Webhook, WebhookAddBody, WebhookDelivery } from "./contract";

export const getWebhooks = (signal?: AbortSignal) => api<{ webhooks: Webhook[] }>("GET", "/webhooks", undefined, signal);
export const addWebhook = (body: WebhookAddBody) => api<{ webhook: Webhook; secret: string }>("POST", "/webhooks", body);
export const removeWebhook = (id: string) => api<{ deleted: true; id: string }>("DELETE", `/webhooks/${encodeURIComponent(id)}`);
export const getDeliveries = (id: string, signal?: AbortSignal) =>
  api<{ deliveries: WebhookDelivery[] }>("GET", `/webhooks/${encodeURIComponent(id)}/deliveries?limit=50`, undefined, signal);
