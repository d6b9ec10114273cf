import type { AuditAction } from "../contract/audit-actions.js";
import type { AuditActor, AuditEntry, AuditLog, AuditRecord } from "../store/ports.js";

/** Who makes a change and from where: a console user (with the request's address), the CLI, or a system job. */
export interface AuditOrigin {
  actor: AuditActor;
  ip?: string | null | undefined;
  userAgent?: string | null | undefined;
}

/** A job of the server itself: the LDAP sync, the periodic sync of imported keys. */
export function systemOrigin(name: "ldap" | "key-sync"): AuditOrigin {
  return { actor: { type: "system", name } };
}

/** One change as a call site describes it; `before`/`after` are snapshots, trimmed to what changed when recorded. */
export interface AuditChange {
  action: AuditAction;
  target: AuditRecord["target"];
  before?: Record<string, unknown> | null | undefined;
  after?: Record<string, unknown> | null | undefined;
  /** Fields kept on both sides even when unchanged, so readers (notifications) find the target's owner. */
  keep?: readonly string[] | undefined;
}

/**
 * The change was made but its audit entry could not be written. Call sites record right after
 * the store made the change (an entry for a change that then failed would stay forever in an
 * append-only log); when the write fails, the caller is told, and `record` says what to log.
 */
export class AuditWriteError extends Error {
  override readonly name = "AuditWriteError";
  readonly code = "audit_unrecorded";
  constructor(
    readonly record: AuditRecord,
    cause: unknown,
  ) {
    super(`the change (${record.action} ${record.target.name ?? record.target.id ?? record.target.type}) was made but could not be recorded in the audit log`, {
      cause,
    });
  }
}

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/** `before` and `after` reduced to the fields whose values differ, plus `keep`; a missing side (created, deleted) stays whole. */
function changedFields(
  before: Record<string, unknown> | null | undefined,
  after: Record<string, unknown> | null | undefined,
  keep: readonly string[] = [],
): { before: Record<string, unknown> | null; after: Record<string, unknown> | null } {
  if (!before || !after) return { before: before ?? null, after: after ?? null };
  const trimmedBefore: Record<string, unknown> = {};
  const trimmedAfter: Record<string, unknown> = {};
  for (const field of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (!keep.includes(field) && same(before[field], after[field])) continue;
    if (field in before) trimmedBefore[field] = before[field];
    if (field in after) trimmedAfter[field] = after[field];
  }
  return { before: trimmedBefore, after: trimmedAfter };
}

/** Builds audit records (time, origin, trimmed before/after) and appends them to the log. */
export class AuditRecorder {
  constructor(
    private readonly log: Pick<AuditLog, "append">,
    private readonly now: () => number = Date.now,
  ) {}

  async record(origin: AuditOrigin, change: AuditChange): Promise<AuditEntry> {
    const { before, after } = changedFields(change.before, change.after, change.keep);
    const record: AuditRecord = {
      at: new Date(this.now()),
      actor: origin.actor,
      ip: origin.ip ?? null,
      userAgent: origin.userAgent ?? null,
      action: change.action,
      target: change.target,
      before,
      after,
    };
    try {
      return await this.log.append(record);
    } catch (error) {
      throw new AuditWriteError(record, error);
    }
  }

  /** Several changes of one operation, in order (stops at the first that cannot be written). */
  async recordAll(origin: AuditOrigin, changes: readonly AuditChange[]): Promise<void> {
    for (const change of changes) await this.record(origin, change);
  }
}
