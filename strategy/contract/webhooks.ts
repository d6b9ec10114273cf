// The admin API's webhook routes: requests and responses (see strategy/notify/webhooks/).
import { z } from "zod";

const instant = z.union([z.iso.datetime(), z.date().transform((date) => date.toISOString())]);
const oneLine = (max: number) =>
  z
    .string()
    .max(max)
    .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), { message: "must not contain control characters" });

/** POST /api/webhooks: the URL (https, or http to loopback) and "*" or a comma-separated list of events (default "*"). */
export const webhookAddBody = z.strictObject({ url: oneLine(2048).min(1), events: oneLine(500).min(1).optional() });
export const webhookIdParam = z.object({ id: oneLine(64).min(1) });
export const webhookDeliveryQuery = z.object({ limit: z.coerce.number().int().min(1).max(200).default(50) });

export const WebhookJson = z.strictObject({
  id: z.string(),
  url: z.string(),
  /** "*" or the event names it receives. */
  events: z.union([z.literal("*"), z.array(z.string())]),
  createdAt: instant,
  disabled: z.boolean(),
});

export const WebhookDeliveryJson = z.strictObject({
  id: z.number().int(),
  event: z.string(),
  createdAt: instant,
  status: z.enum(["pending", "delivered", "failed"]),
  attempts: z.number().int(),
  nextAttemptAt: instant.nullable(),
  lastAttemptAt: instant.nullable(),
  responseStatus: z.number().int().nullable(),
  lastError: z.string().nullable(),
});

export const WebhookListResponse = z.strictObject({ webhooks: z.array(WebhookJson) });
/** The one answer that carries the secret: the receiver checks signatures with it. */
export const WebhookCreatedResponse = z.strictObject({ webhook: WebhookJson, secret: z.string() });
export const WebhookRemovedResponse = z.strictObject({ deleted: z.literal(true), id: z.string() });
export const WebhookDeliveriesResponse = z.strictObject({ deliveries: z.array(WebhookDeliveryJson) });

export type WebhookAddBody = z.input<typeof webhookAddBody>;
export type Webhook = z.output<typeof WebhookJson>;
export type WebhookDelivery = z.output<typeof WebhookDeliveryJson>;
