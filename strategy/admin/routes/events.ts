import type { Router } from "express";
import { requireAdmin, sessionOf, type AdminContext } from "../context.js";
import type { z } from "zod";
import { certificateLoginQuery, eventCursor, eventListQuery } from "../../contract/requests.js";
import type { AuthEventPageJson } from "../../contract/responses.js";
import type { EventPageQuery } from "../../store/ports.js";
import { decodeCursor, encodeCursor } from "../cursors.js";
import { AdminError } from "../errors.js";
import { parse } from "../parse-input.js";
import { authEventJson } from "../responses.js";

/**
 * The authentication log, newest first: for admins, filtered by user, key, scheme, outcome and
 * time range; for every user, their own certificate logins (an admin may name anyone's).
 */
export function registerEventRoutes(router: Router, ctx: () => AdminContext): void {
  /** One page of the log, with each certificate's CA named as the CAs are trusted now. */
  async function eventPage(query: Omit<EventPageQuery, "after">, cursorText: string | undefined): Promise<z.input<typeof AuthEventPageJson>> {
    const { store } = ctx();
    const cursor = decodeCursor(cursorText, eventCursor);
    const [{ items: page, more }, authorities] = await Promise.all([
      store.eventLog.page({ ...query, after: cursor ? { at: new Date(cursor.a), id: cursor.i } : undefined }),
      store.authorities.list(),
    ]);
    const caNames = new Map(authorities.map((ca) => [ca.id, ca.name]));
    const last = page[page.length - 1];
    return {
      events: page.map((event) => authEventJson(event, caNames)),
      nextCursor: more && last ? encodeCursor({ a: last.at.getTime(), i: last.id }) : null,
    };
  }

  router.get("/api/events", async (req, res) => {
    requireAdmin(req);
    const query = parse(eventListQuery, req.query);
    res.json(
      await eventPage(
        { username: query.user, keyId: query.key, scheme: query.scheme, outcome: query.outcome, from: query.from, to: query.to, limit: query.limit },
        query.cursor,
      ),
    );
  });

  // Only events linked to the account: an attempt that merely claimed the name (an untrusted CA's
  // certificate, say) is an administrator's business, not something to show its target.
  router.get("/api/certificate-logins", async (req, res) => {
    const query = parse(certificateLoginQuery, req.query);
    const session = sessionOf(req);
    let userId = session.user.id;
    if (query.user !== undefined && query.user !== session.user.username) {
      if (!session.user.isAdmin) throw new AdminError("forbidden", "you can list only your own certificate logins");
      const user = await ctx().store.directory.lookupUser(query.user);
      if (!user) throw new AdminError("user_not_found", `no user ${query.user}`);
      userId = user.id;
    }
    res.json(await eventPage({ userId, certificates: true, limit: query.limit }, query.cursor));
  });
}
