import { withQuery } from "./client";
import type { AuditLogEntry, AuditListQuery } from "./contract";
import { basePath } from "../shared/base-path";
import { pagedList, type ListQuery } from "./lists";

export type AuditQuery = ListQuery<Omit<AuditListQuery, "format">>;

export const listAudit = pagedList<"entries", AuditLogEntry, AuditListQuery>("/audit", "entries");

/** The CSV export of every entry matching the filters: a plain link (the session cookie goes with it). */
export function auditCsvUrl(query: Omit<AuditQuery, "cursor" | "limit">): string {
  return `${basePath}/api${withQuery("/audit", { ...query, format: "csv" })}`;
}
