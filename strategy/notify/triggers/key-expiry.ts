import type { KeyRecord } from "../../store/ports.js";
import type { Notice } from "../notice.js";

const dayMs = 86_400_000;

/**
 * The notice a key's expiry calls for at `now`: expired, or expiring within `withinDays`; null for
 * a revoked key or one without an expiry. The mark names the expiry, so a key whose expiry is
 * moved is told about again.
 */
export function noticeOfKeyExpiry(key: KeyRecord, now: number, withinDays: number): Notice | null {
  if (key.revokedAt !== null || key.expiresAt === null) return null;
  const expiresAt = key.expiresAt.toISOString();
  const expired = key.expiresAt.getTime() <= now;
  if (!expired && key.expiresAt.getTime() - now > withinDays * dayMs) return null;
  const event = expired ? "key.expired" : "key.expiring";
  return {
    event,
    markId: `${expired ? "expired" : "expiring"}:${key.id}:${expiresAt}`,
    at: new Date(now),
    owner: { id: key.userId, username: key.username },
    key: { id: key.id, comment: key.comment, fingerprint: key.fingerprintSha256, type: key.type },
    detail: { expiresAt },
  };
}
