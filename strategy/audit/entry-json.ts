import type { z } from "zod";
import { auditActions } from "../contract/audit-actions.js";
import type { AuditEntryJson } from "../contract/responses.js";
import type { AuditEntry } from "../store/ports.js";

/** The action as people read it; an action this version has no name for (recorded by a newer one) as it is. */
function auditLabel(action: string): string {
  return Object.hasOwn(auditActions, action) ? auditActions[action as keyof typeof auditActions] : action;
}

/** An entry as the API and `audit list --json` answer it. */
export function auditEntryJson(entry: AuditEntry): z.input<typeof AuditEntryJson> {
  return { ...entry, label: auditLabel(entry.action) };
}
