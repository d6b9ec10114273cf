import type { Command } from "commander";
import { registerWebhook } from "../../notify/webhooks/registration.js";
import { webhookAdded, webhookRemoved } from "../../notify/webhooks/audit-changes.js";
import { recordCliChanges } from "../audit.js";
import { printJson, printTable } from "../output.js";
import { withStore } from "../store.js";

/** `webhooks add|list|remove`: where signed notifications are POSTed (see the README's Notifications section). */
export function registerWebhookCommands(program: Command): void {
  const webhooks = program.command("webhooks").description("manage the webhooks that receive signed notifications");
  webhooks
    .command("add <url>")
    .description("POST notifications to this URL (https, or http to loopback); prints the signing secret once")
    .option("--events <names>", 'comma-separated event names, or "*" for all (default)')
    .action(async (url: string, opts: { events?: string }) => {
      const added = await withStore(async (s) => {
        const webhook = await registerWebhook(s.notifications, url, opts.events);
        await recordCliChanges(s, webhookAdded(webhook));
        return webhook;
      });
      process.stdout.write(
        `added webhook ${added.id} for ${added.url} (events: ${added.events === "*" ? "*" : added.events.join(",")})\n` +
          `secret (shown once; the receiver checks signatures with it): ${added.secret}\n`,
      );
    });
  webhooks
    .command("list")
    .description("list webhooks")
    .option("--json", "print JSON")
    .action(async (opts: { json?: boolean }) => {
      const list = await withStore((s) => s.notifications.listWebhooks());
      if (opts.json) return printJson(list);
      printTable([
        ["ID", "URL", "EVENTS", "CREATED"],
        ...list.map((w) => [w.id, w.url, w.events === "*" ? "*" : w.events.join(","), w.createdAt.toISOString()]),
      ]);
    });
  webhooks
    .command("remove <id>")
    .description("stop sending to a webhook (its queued deliveries are dropped)")
    .action(async (id: string) => {
      const removed = await withStore(async (s) => {
        const webhook = await s.notifications.removeWebhook(id);
        await recordCliChanges(s, webhookRemoved(webhook));
        return webhook;
      });
      process.stdout.write(`removed webhook ${removed.id} (${removed.url})\n`);
    });
}
