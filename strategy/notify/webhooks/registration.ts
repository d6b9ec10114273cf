import { DirectoryError, type NotificationStore, type WebhookWithSecret } from "../../store/ports.js";
import { notificationEvents } from "../notice.js";
import { newWebhookSecret } from "./signature.js";
import { webhookUrl } from "./webhook-url.js";

/** "*" (or nothing), or a comma-separated list of event names from notice.ts; DirectoryError("invalid") otherwise. */
function webhookEvents(text: string | undefined): "*" | string[] {
  if (text === undefined || text.trim() === "*") return "*";
  const names = [...new Set(text.split(",").map((name) => name.trim()))];
  const unknown = names.filter((name) => !(notificationEvents as readonly string[]).includes(name));
  if (names.length === 0 || unknown.length > 0) {
    throw new DirectoryError("invalid", `unknown event ${unknown[0] ?? "(none)"}: give "*" or some of ${notificationEvents.join(", ")}`);
  }
  return names;
}

/** Registers a webhook with a new secret (the answer is the one place it is shown). Shared by the admin API and the CLI. */
export async function registerWebhook(store: NotificationStore, url: string, events: string | undefined): Promise<WebhookWithSecret> {
  const normalised = webhookUrl(url);
  if (normalised === null) throw new DirectoryError("invalid", "the webhook URL must be https:// (or http:// to a loopback host), without credentials");
  return store.addWebhook({ url: normalised, secret: newWebhookSecret(), events: webhookEvents(events) });
}
