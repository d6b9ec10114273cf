import type { Router } from "express";
import { requireAdmin, type AdminContext } from "../context.js";
import { decodeCursor, encodeCursor, eventCursor, eventListQuery, parse } from "../schemas.js";


/** Admin only: the authentication log, newest first, filtered by user, key, scheme, outcome and time range. */
export function registerEventRoutes(router: Router, ctx: () => AdminContext): void {
  router.get("/api/events", async (req, res) => {
    requireAdmin(req);
    const query = parse(eventListQuery, req.query);
    const cursor = decodeCursor(query.cursor, eventCursor);
    const { items: page, more } = await ctx().store.eventLog.page({
      username: query.user,
      keyId: query.key,
      scheme: query.scheme,
      outcome: query.outcome,
      from: query.from,
      to: query.to,
      after: cursor ? { at: new Date(cursor.a), id: cursor.i } : undefined,
      limit: query.limit,
    });
    const last = page[page.length - 1];
    res.json({
      events: page.map((e) => ({
        id: e.id,
        at: e.at,
        username: e.username,
        userId: e.userId,
        keyId: e.keyId,
        keyFingerprint: e.keyFingerprint,
        keyComment: e.keyComment,
        scheme: e.scheme,
        outcome: e.outcome,
        errorCode: e.errorCode,
        ip: e.ip,
        userAgent: e.userAgent,
      })),
      nextCursor: more && last ? encodeCursor({ a: last.at.getTime(), i: last.id }) : null,
    });
  });
}
