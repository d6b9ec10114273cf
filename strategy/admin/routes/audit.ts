import type { Request, Response, Router } from "express";
import type { z } from "zod";
import { auditCsvHeader, auditCsvRow } from "../../audit/csv.js";
import { auditEntryJson } from "../../audit/entry-json.js";
import { auditCursor, auditListQuery } from "../../contract/requests.js";
import type { AuditPageJson } from "../../contract/responses.js";
import type { AuditPageQuery } from "../../store/ports.js";
import { requireAdmin, type AdminContext } from "../context.js";
import { decodeCursor, encodeCursor } from "../cursors.js";
import { parse } from "../parse-input.js";

/** A CSV export holds at most this many entries (newest first); narrow the filters for older ones. */
const auditCsvLimit = 10_000;
const csvPageSize = 200;

/** Writes every entry matching `query` as CSV, page by page, so a large export is never held in memory at once. */
async function sendCsv(res: Response, ctx: AdminContext, query: Omit<AuditPageQuery, "limit">): Promise<void> {
  const day = new Date(ctx.now()).toISOString().slice(0, 10);
  res.set("Content-Type", "text/csv; charset=utf-8").set("Content-Disposition", `attachment; filename="audit-${day}.csv"`);
  res.write(auditCsvHeader);
  let after = query.after;
  for (let sent = 0; sent < auditCsvLimit;) {
    const { items, more } = await ctx.store.audit.page({ ...query, after, limit: Math.min(csvPageSize, auditCsvLimit - sent) });
    for (const entry of items) res.write(auditCsvRow(entry));
    sent += items.length;
    const last = items.at(-1);
    if (!more || !last) break;
    after = { at: last.at, id: last.id };
  }
  res.end();
}

/** The audit log, newest first, for administrators: filters, cursor paging and CSV export. */
export function registerAuditRoutes(router: Router, ctx: () => AdminContext): void {
  router.get("/api/audit", async (req: Request, res: Response) => {
    requireAdmin(req);
    const query = parse(auditListQuery, req.query);
    const cursor = decodeCursor(query.cursor, auditCursor);
    const filters: Omit<AuditPageQuery, "limit"> = {
      action: query.action,
      actor: query.actor,
      targetType: query.targetType,
      targetId: query.targetId,
      targetName: query.target,
      from: query.from,
      to: query.to,
      after: cursor ? { at: new Date(cursor.a), id: cursor.i } : undefined,
    };
    if (query.format === "csv") return sendCsv(res, ctx(), filters);
    const { items, more } = await ctx().store.audit.page({ ...filters, limit: query.limit });
    const last = items.at(-1);
    res.json({
      entries: items.map(auditEntryJson),
      nextCursor: more && last ? encodeCursor({ a: last.at.getTime(), i: last.id }) : null,
    } satisfies z.input<typeof AuditPageJson>);
  });
}
