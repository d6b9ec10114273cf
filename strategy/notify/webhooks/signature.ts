import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

/** The headers every delivery carries (documented in the README's Notifications section). */
export const webhookHeaders = {
  event: "X-PassportSSHKey-Event",
  delivery: "X-PassportSSHKey-Delivery",
  /** Seconds since the epoch when the delivery was signed; part of the signed text, so a replay is dated. */
  timestamp: "X-PassportSSHKey-Timestamp",
  signature: "X-PassportSSHKey-Signature",
} as const;

/** A new webhook's HMAC key: 32 random bytes, shown to the admin once. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString("base64url")}`;
}

/** `sha256=<hex HMAC-SHA256(secret, timestamp + "." + body)>`, as GitHub and Stripe sign theirs. */
export function signWebhook(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex")}`;
}

/** The receiver's check (exported for apps written in TypeScript): the signature matches, compared in constant time. */
export function verifyWebhookSignature(secret: string, timestamp: string, body: string, signature: string): boolean {
  const expected = Buffer.from(signWebhook(secret, Number(timestamp), body));
  const given = Buffer.from(signature);
  return /^[0-9]+$/.test(timestamp) && given.length === expected.length && timingSafeEqual(given, expected);
}
