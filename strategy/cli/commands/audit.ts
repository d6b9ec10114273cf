import type { Command } from "commander";
import { auditEntryJson } from "../../audit/entry-json.js";
import type { AuditEntry } from "../../store/ports.js";
import { CliError } from "../errors.js";
import { printJson, printTable } from "../output.js";
import { withStore } from "../store.js";

const maxLimit = 10_000;
const units: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000 };

/** --since: an ISO date or date-time, or a span back from now such as 30m, 12h or 7d. */
function parseSince(text: string, now: number): Date {
  const span = /^(\d{1,6})([mhd])$/.exec(text);
  if (span) return new Date(now - Number(span[1]) * units[span[2]!]!);
  const date = /^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(text) ? new Date(text) : null;
  if (!date || Number.isNaN(date.getTime()))
    throw new CliError(`--since must be a date (2030-01-31, 2030-01-31T12:00Z) or a span such as 7d, 12h, 30m (got ${text})`);
  return date;
}

function parseLimit(text: string): number {
  const n = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!(n >= 1 && n <= maxLimit)) throw new CliError(`--limit must be a whole number from 1 to ${maxLimit} (got ${text})`);
  return n;
}

const actorText = (entry: AuditEntry) => (entry.actor.type === "user" ? entry.actor.name : `${entry.actor.type}:${entry.actor.name}`);

/** "field: before → after" for each field that changed; "created"/"deleted" when a side is missing. */
function changeText(entry: AuditEntry): string {
  const shown = (v: unknown) => (v === null || v === undefined ? "-" : typeof v === "string" ? v : JSON.stringify(v));
  if (!entry.before && entry.after) return `created ${fields(entry.after, shown)}`;
  if (entry.before && !entry.after) return `deleted ${fields(entry.before, shown)}`;
  const before = entry.before ?? {};
  const after = entry.after ?? {};
  return Object.keys(after)
    .filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]))
    .map((k) => `${k}: ${shown(before[k])} → ${shown(after[k])}`)
    .join("; ");
}

function fields(values: Record<string, unknown>, shown: (v: unknown) => string): string {
  return Object.entries(values)
    .filter(([, v]) => v !== null && v !== undefined)
    .map(([k, v]) => `${k}=${shown(v)}`)
    .join(" ");
}

/** `audit list`: the change log, newest first (the console's Audit page). */
export function registerAuditCommands(program: Command): void {
  const audit = program.command("audit").description("the audit log: who changed which key, user, CA or setting, and when");
  audit
    .command("list")
    .description("list audit entries, newest first")
    .option("--json", "print JSON")
    .option("--action <action>", 'only this action (key.added), or every action under a prefix ("key.")')
    .option("--actor <text>", "only entries whose actor's name contains this text")
    .option("--target <name>", "only entries about this target: a username, a key's fingerprint, a CA's name")
    .option("--since <when>", "only entries from this date or span back (7d, 12h, 30m)")
    .option("--limit <n>", `at most this many entries (1 to ${maxLimit})`, "50")
    .action(async (opts: { json?: boolean; action?: string; actor?: string; target?: string; since?: string; limit: string }) => {
      const limit = parseLimit(opts.limit);
      const from = opts.since === undefined ? undefined : parseSince(opts.since, Date.now());
      const entries = await withStore(async (s) => {
        const found: AuditEntry[] = [];
        let after: { at: Date; id: number } | undefined;
        while (found.length < limit) {
          const page = await s.audit.page({
            action: opts.action,
            actor: opts.actor,
            targetName: opts.target,
            from,
            after,
            limit: Math.min(500, limit - found.length),
          });
          found.push(...page.items);
          const last = page.items.at(-1);
          if (!page.more || !last) break;
          after = { at: last.at, id: last.id };
        }
        return found;
      });
      if (opts.json) return printJson(entries.map(auditEntryJson));
      printTable([
        ["AT", "ACTION", "ACTOR", "FROM", "TARGET", "CHANGE"],
        ...entries.map((e) => [
          e.at.toISOString(),
          e.action,
          actorText(e),
          e.ip ?? "-",
          `${e.target.type} ${e.target.name ?? e.target.id ?? ""}`.trim(),
          changeText(e),
        ]),
      ]);
    });
}
