import type { Request, Router } from "express";
import { requireAdmin, sessionOf, type AdminContext } from "../context.js";
import type { z } from "zod";
import { authReasonOf } from "../../contract/auth-reasons.js";
import { certificateLoginQuery, eventCursor, eventExportQuery, eventListQuery } from "../../contract/requests.js";
import type { AuthEventPageJson, AuthLogJson, FilterNotice } from "../../contract/responses.js";
import { keyIdentityOf } from "../../keys/key-identity.js";
import type { AuthEventEntry, EventFilter, EventPageQuery } from "../../store/ports.js";
import { sendCsv } from "../csv.js";
import { decodeCursor, encodeCursor } from "../cursors.js";
import { AdminError } from "../errors.js";
import { parse } from "../parse-input.js";
import { authEventJson } from "../responses.js";

const exportPageSize = 500;
const csvHeader = [
  "at",
  "scheme",
  "outcome",
  "code",
  "reason",
  "username",
  "key_fingerprint",
  "key_comment",
  "ip",
  "user_agent",
  "ca_id",
  "cert_serial",
  "cert_key_id",
  "jwks_url",
];

function csvCells(e: AuthEventEntry): (string | number | Date | null)[] {
  return [
    e.at,
    e.scheme,
    e.outcome,
    e.errorCode,
    authReasonOf(e.errorCode),
    e.username,
    e.keyFingerprint,
    e.keyComment,
    e.ip,
    e.userAgent,
    e.caId,
    e.certSerial,
    e.certKeyId,
    e.jwksUrl,
  ];
}

/**
 * The log filter a query asks for, and why any part of it can match nothing: a user filter is
 * part of a name (and says so when no user has such a name); a key filter is an internal id, a
 * fingerprint or a public key, and says so when no stored key is that one.
 */
async function eventFilterOf(ctx: AdminContext, query: z.output<typeof eventExportQuery>): Promise<{ filter: EventFilter; notices: FilterNotice[] }> {
  const { directory } = ctx.store;
  const notices: FilterNotice[] = [];
  let keyId: string | undefined;
  if (query.key !== undefined) {
    const identity = keyIdentityOf(query.key, directory.keyPolicy);
    const key = identity ? (await directory.pageKeys({ identity, limit: 1, now: new Date(ctx.now()) })).items[0] : await directory.lookupKeyById(query.key);
    // Events keep the link to stored keys only: a key not stored (or deleted) names none.
    keyId = key?.id ?? query.key;
    if (!key)
      notices.push({
        filter: "key",
        message: `no stored key is ${identity ? "the one with this fingerprint" : `“${query.key.slice(0, 80)}”`}; a deleted key's attempts keep no link to it`,
      });
  }
  if (query.user !== undefined) {
    const users = await directory.pageUsers({ q: query.user, limit: 1 });
    if (users.items.length === 0)
      notices.push({ filter: "user", message: `no user's name contains “${query.user.slice(0, 80)}”: only attempts that claimed such a name are shown` });
  }
  return {
    filter: { usernameContains: query.user, keyId, scheme: query.scheme, outcome: query.outcome, from: query.from, to: query.to },
    notices,
  };
}

/**
 * The authentication log, newest first: for admins, filtered by user, key, scheme, outcome and
 * time range, with totals and a CSV export; for every user, their own certificate logins (an
 * admin may name anyone's).
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

  router.get("/api/events", async (req: Request, res) => {
    requireAdmin(req);
    const query = parse(eventListQuery, req.query);
    const { filter, notices } = await eventFilterOf(ctx(), query);
    const [page, totals] = await Promise.all([eventPage({ ...filter, limit: query.limit }, query.cursor), ctx().store.eventLog.count(filter)]);
    res.json({
      events: page.events.map((event) => ({ ...event, reason: authReasonOf(event.errorCode) })),
      nextCursor: page.nextCursor,
      totals,
      notices,
    } satisfies z.input<typeof AuthLogJson>);
  });

  router.get("/api/events/export.csv", async (req, res) => {
    requireAdmin(req);
    const query = parse(eventExportQuery, req.query);
    const { filter } = await eventFilterOf(ctx(), query);
    const { eventLog } = ctx().store;
    async function* pages() {
      let after: EventPageQuery["after"];
      for (;;) {
        const page = await eventLog.page({ ...filter, after, limit: exportPageSize });
        yield page.items.map(csvCells);
        const last = page.items[page.items.length - 1];
        if (!page.more || !last) return;
        after = { at: last.at, id: last.id };
      }
    }
    await sendCsv(res, "auth-log.csv", csvHeader, pages());
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
