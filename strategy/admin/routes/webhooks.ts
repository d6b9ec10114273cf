import type { Router } from "express";
import type { z } from "zod";
import {
  webhookAddBody,
  webhookDeliveryQuery,
  webhookIdParam,
  type WebhookCreatedResponse,
  type WebhookDeliveriesResponse,
  type WebhookJson,
  type WebhookListResponse,
  type WebhookRemovedResponse,
  type WebhookDeliveryJson,
} from "../../contract/webhooks.js";
import { webhookAdded, webhookRemoved } from "../../notify/webhooks/audit-changes.js";
import { registerWebhook } from "../../notify/webhooks/registration.js";
import { recordChanges } from "../audit.js";
import { DirectoryError, type WebhookDeliveryRecord, type WebhookRecord } from "../../store/ports.js";
import { requireAdmin, type AdminContext } from "../context.js";
import { AdminError } from "../errors.js";
import { parse } from "../parse-input.js";

function webhookJson(webhook: WebhookRecord): z.input<typeof WebhookJson> {
  return { id: webhook.id, url: webhook.url, events: webhook.events, createdAt: webhook.createdAt, disabled: webhook.disabled };
}

// The payload is not shown: it can name users and keys, and the receiver already has it.
function deliveryJson({ payload: _payload, webhookId: _webhookId, ...delivery }: WebhookDeliveryRecord): z.input<typeof WebhookDeliveryJson> {
  return delivery;
}

function webhookRefusal(error: unknown): unknown {
  if (!(error instanceof DirectoryError)) return error;
  if (error.code === "not_found") return new AdminError("webhook_not_found", error.message);
  if (error.code === "conflict") return new AdminError("webhook_exists", error.message);
  if (error.code === "invalid") return new AdminError("invalid_body", error.message);
  return error;
}

/** Admin only: webhooks and their delivery log. The secret is answered once, by POST. */
export function registerWebhookRoutes(router: Router, ctx: () => AdminContext): void {
  const notifications = () => ctx().store.notifications;

  router.get("/api/webhooks", async (req, res) => {
    requireAdmin(req);
    const webhooks = await notifications().listWebhooks();
    res.json({ webhooks: webhooks.map(webhookJson) } satisfies z.input<typeof WebhookListResponse>);
  });

  router.post("/api/webhooks", async (req, res) => {
    requireAdmin(req);
    const body = parse(webhookAddBody, req.body, "invalid_body");
    const webhook = await registerWebhook(notifications(), body.url, body.events).catch((error: unknown) => {
      throw webhookRefusal(error);
    });
    await recordChanges(req, ctx(), webhookAdded(webhook));
    res.status(201).json({ webhook: webhookJson(webhook), secret: webhook.secret } satisfies z.input<typeof WebhookCreatedResponse>);
  });

  router.delete("/api/webhooks/:id", async (req, res) => {
    requireAdmin(req);
    const { id } = parse(webhookIdParam, req.params);
    const removed = await notifications()
      .removeWebhook(id)
      .catch((error: unknown) => {
        throw webhookRefusal(error);
      });
    await recordChanges(req, ctx(), webhookRemoved(removed));
    res.json({ deleted: true, id: removed.id } satisfies z.input<typeof WebhookRemovedResponse>);
  });

  router.get("/api/webhooks/:id/deliveries", async (req, res) => {
    requireAdmin(req);
    const { id } = parse(webhookIdParam, req.params);
    const { limit } = parse(webhookDeliveryQuery, req.query);
    const deliveries = await notifications()
      .deliveries(id, limit)
      .catch((error: unknown) => {
        throw webhookRefusal(error);
      });
    res.json({ deliveries: deliveries.map(deliveryJson) } satisfies z.input<typeof WebhookDeliveriesResponse>);
  });
}
