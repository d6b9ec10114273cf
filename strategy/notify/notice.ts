/** What a notification is about, by its webhook event name (audit action names where they correspond). */
export const notificationEvents = [
  "key.added",
  "key.revoked",
  "key.deleted",
  "key.expiring",
  "key.expired",
  "key.counter_alarm",
  "auth.repeated_failures",
] as const;

export type NotificationEvent = (typeof notificationEvents)[number];

/** The key a notification names. */
interface NoticeKey {
  id: string;
  comment: string;
  fingerprint: string;
  type?: string | undefined;
}

/** One thing to tell a user (and webhooks) about; `markId` makes it once-only across every instance. */
export interface Notice {
  event: NotificationEvent;
  markId: string;
  at: Date;
  owner: { id: string; username: string };
  key: NoticeKey | null;
  /** Who did it ("cli:deploy", a username), for changes. */
  actor?: string | undefined;
  /** The address it was done from, when known. */
  ip?: string | null | undefined;
  /** Event-specific fields for the webhook body and the mail (expiresAt, failures, window…). */
  detail?: Record<string, string | number | null> | undefined;
  /** Mail every administrator with an address too (a counter alarm). */
  mailAdmins?: boolean | undefined;
}
