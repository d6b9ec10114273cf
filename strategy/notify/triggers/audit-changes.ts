import type { AuditActor, AuditEntry } from "../../store/ports.js";
import type { Notice, NotificationEvent } from "../notice.js";

const str = (value: unknown) => (typeof value === "string" ? value : null);

function actorName(actor: AuditActor): string {
  return actor.type === "user" ? actor.name : `${actor.type}:${actor.name}`;
}

/** Audit actions that notify, and whether only when someone other than the owner did it. */
const triggers: Record<string, { event: NotificationEvent; byOthersOnly: boolean }> = {
  "key.added": { event: "key.added", byOthersOnly: false },
  "key.imported": { event: "key.added", byOthersOnly: false },
  "key.revoked": { event: "key.revoked", byOthersOnly: true },
  "key.deleted": { event: "key.deleted", byOthersOnly: true },
};

/**
 * The notice an audit entry calls for, or null: a key added to an account (by anyone), or revoked
 * or deleted by someone other than its owner (an admin, the CLI, a sync job). Key entries carry
 * `owner` and `ownerId` on each side that exists (strategy/audit/targets.ts).
 */
export function noticeOfAuditEntry(entry: AuditEntry): Notice | null {
  const trigger = triggers[entry.action];
  if (!trigger || entry.target.type !== "key" || !entry.target.id) return null;
  const fields = { ...entry.before, ...entry.after };
  const ownerId = str(fields.ownerId);
  const owner = str(fields.owner);
  if (!ownerId || !owner) return null;
  if (trigger.byOthersOnly && entry.actor.type === "user" && entry.actor.id === ownerId) return null;
  return {
    event: trigger.event,
    markId: `audit:${entry.id}:${entry.at.toISOString()}`,
    at: entry.at,
    owner: { id: ownerId, username: owner },
    key: { id: entry.target.id, comment: str(fields.comment) ?? "", fingerprint: entry.target.name ?? "", type: str(fields.type) ?? undefined },
    actor: actorName(entry.actor),
    ip: entry.ip,
    detail: entry.action === "key.revoked" ? { reason: str(fields.revokedReason) } : undefined,
  };
}
