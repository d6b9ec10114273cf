import { randomUUID } from "node:crypto";
import type { SshKeyStore } from "../store/ports.js";
import type { Mailer } from "./mail/mailer.js";
import { noticeMail } from "./mail/messages.js";
import type { Notice } from "./notice.js";

export type NotifierStore = Pick<SshKeyStore, "notifications" | "directory">;

/** The webhook body: `{ id, event, at, data }`. */
function webhookBody(notice: Notice): string {
  const data = {
    user: notice.owner,
    key: notice.key,
    actor: notice.actor ?? null,
    ip: notice.ip ?? null,
    ...notice.detail,
  };
  return JSON.stringify({ id: randomUUID(), event: notice.event, at: notice.at.toISOString(), data });
}

/**
 * Sends each notice once (the first instance to mark it wins): queues it for every webhook that
 * takes the event and mails the owner (and for `mailAdmins` every administrator) who has an
 * address. A mail that fails is logged, not retried: the webhook queue is the durable channel.
 */
export class Notifier {
  constructor(
    private readonly store: NotifierStore,
    private readonly mailer: Mailer | null,
    private readonly log: (error: unknown) => void,
    /** Called after a webhook delivery was queued (the worker sends at once instead of at its next poll). */
    private readonly queued: () => void = () => {},
  ) {}

  async send(notice: Notice): Promise<boolean> {
    if (!(await this.store.notifications.markOnce(notice.markId, notice.at))) return false;
    if ((await this.store.notifications.enqueue(notice.event, webhookBody(notice), notice.at)) > 0) this.queued();
    const to = await this.recipients(notice);
    if (this.mailer && to.length > 0) await this.mailer.send(noticeMail(notice, to)).catch(this.log);
    return true;
  }

  private async recipients(notice: Notice): Promise<string[]> {
    const users = notice.mailAdmins ? await this.store.directory.listUsers() : [await this.store.directory.lookupUser(notice.owner.username)];
    const addresses = users
      .filter((user) => user && !user.disabled && (user.id === notice.owner.id || (notice.mailAdmins && user.isAdmin)))
      .map((user) => user!.email)
      .filter((email): email is string => email !== null);
    return [...new Set(addresses)];
  }
}
