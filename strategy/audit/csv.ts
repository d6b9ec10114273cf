// The audit log as CSV (RFC 4180): every cell quoted, quotes doubled, and a cell a spreadsheet
// would run as a formula (starting = + - @, or a tab or carriage return) prefixed with ' so it
// shows as text: usernames, comments and user agents come from people.
import type { AuditEntry } from "../store/ports.js";

const formulaStart = /^[=+\-@\t\r]/;

function csvCell(value: string): string {
  const text = formulaStart.test(value) ? `'${value}` : value;
  return `"${text.replace(/"/g, '""')}"`;
}

function csvLine(cells: readonly string[]): string {
  return `${cells.map(csvCell).join(",")}\r\n`;
}

export const auditCsvHeader = csvLine([
  "at",
  "action",
  "actor_type",
  "actor",
  "actor_id",
  "ip",
  "user_agent",
  "target_type",
  "target_id",
  "target",
  "before",
  "after",
]);

const json = (fields: Record<string, unknown> | null) => (fields ? JSON.stringify(fields) : "");

export function auditCsvRow(entry: AuditEntry): string {
  return csvLine([
    entry.at.toISOString(),
    entry.action,
    entry.actor.type,
    entry.actor.name,
    entry.actor.type === "user" ? entry.actor.id : "",
    entry.ip ?? "",
    entry.userAgent ?? "",
    entry.target.type,
    entry.target.id ?? "",
    entry.target.name ?? "",
    json(entry.before),
    json(entry.after),
  ]);
}
