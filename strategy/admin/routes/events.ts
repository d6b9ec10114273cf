import type { Router } from "express";
import { requireAdmin, type AdminContext } from "../context.js";
import type { z } from "zod";
import { eventCursor, eventListQuery } from "../../contract/requests.js";
import type { AuthEventPageJson } from "../../contract/responses.js";
import { decodeCursor, encodeCursor } from "../cursors.js";
import { parse } from "../parse-input.js";
import { authEventJson } from "../responses.js";


/** Admin only: the authentication log, newest first, filtered by user, key, scheme, outcome and time range. */
export function registerEventRoutes(router: Router, ctx: () => AdminContext): void {
  router.get("/api/events", async (req, res) => {
    requireAdmin(req);
    const query = parse(eventListQuery, req.query);
    const prisma = ctx().store.database.prisma;
    const and: object[] = [];
    if (query.user !== undefined) {
      const user = await prisma.user.findUnique({ where: { username: query.user } });
      // Failed attempts (unknown users, or a known name with an unregistered key) keep only the claimed name.
      and.push(user ? { OR: [{ userId: user.id }, { username: query.user, userId: null }] } : { username: query.user, userId: null });
    }
    if (query.key !== undefined) and.push({ keyId: query.key });
    if (query.scheme !== undefined) and.push({ scheme: query.scheme });
    if (query.outcome !== undefined) and.push({ outcome: query.outcome });
    if (query.from !== undefined) and.push({ at: { gte: query.from } });
    if (query.to !== undefined) and.push({ at: { lt: query.to } });
    const cursor = decodeCursor(query.cursor, eventCursor);
    if (cursor) {
      const at = new Date(cursor.a);
      and.push({ OR: [{ at: { lt: at } }, { at, id: { lt: cursor.i } }] });
    }
    const rows = await prisma.authEvent.findMany({
      where: { AND: and } as never,
      include: { key: { select: { fingerprintSha256: true, comment: true } } },
      orderBy: [{ at: "desc" }, { id: "desc" }],
      take: query.limit + 1,
    });
    const page = rows.slice(0, query.limit);
    const last = page[page.length - 1];
    res.json({
      events: page.map((e) => authEventJson(e, e.key)),
      nextCursor: rows.length > query.limit && last ? encodeCursor({ a: last.at.getTime(), i: last.id }) : null,
    } satisfies z.input<typeof AuthEventPageJson>);
  });
}
