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
      events: page.map(authEventJson),
      nextCursor: more && last ? encodeCursor({ a: last.at.getTime(), i: last.id }) : null,
    } satisfies z.input<typeof AuthEventPageJson>);
  });
}
