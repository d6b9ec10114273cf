import type { Request, Router } from "express";
import { keyChanges } from "../../audit/targets.js";
import { recordChanges } from "../audit.js";
import { policyBreaksOf } from "../policy-breaks.js";
import type { z } from "zod";
import { keyBulkRevokeBody, keyCursor, keyExportQuery, keyListQuery } from "../../contract/requests.js";
import type { KeyBulkRevokeResponse, KeyInventoryJson } from "../../contract/responses.js";
import { keyStatus } from "../../core/key-state.js";
import { keySortValue, type KeySort } from "../../core/key-sort.js";
import { keyIdentityOf, searchText } from "../../keys/key-identity.js";
import { DirectoryError, type KeyFilter, type KeyRecord } from "../../store/index.js";
import { requireAdmin, sessionOf, type AdminContext } from "../context.js";
import { sendCsv } from "../csv.js";
import { decodeCursor, encodeCursor } from "../cursors.js";
import { AdminError } from "../errors.js";
import { parse } from "../parse-input.js";
import { keyJson } from "../responses.js";

/** Rows per store read while exporting. */
const exportPageSize = 500;

const csvHeader = [
  "username",
  "type",
  "bits",
  "fingerprint_sha256",
  "fingerprint_md5",
  "comment",
  "status",
  "origin",
  "created_at",
  "expires_at",
  "last_used_at",
  "last_used_ip",
  "use_count",
  "revoked_at",
  "revoked_reason",
];

function csvCells(key: KeyRecord, nowMs: number): (string | number | Date | null)[] {
  return [
    key.username,
    key.type,
    key.bits,
    key.fingerprintSha256,
    `MD5:${key.fingerprintMd5}`,
    key.comment,
    keyStatus(key, nowMs),
    key.origin,
    key.createdAt,
    key.expiresAt,
    key.lastUsedAt,
    key.lastUsedIp,
    key.useCount,
    key.revokedAt,
    key.revokedReason,
  ];
}

/**
 * The filter a listing query asks for, as the caller may see it: a user sees only their own
 * keys; an admin anyone's, or one user's. A search that names a key (fingerprint, public key)
 * matches that key alone.
 */
async function keyFilterOf(req: Request, ctx: AdminContext, query: z.output<typeof keyExportQuery>): Promise<KeyFilter> {
  const session = sessionOf(req);
  const { store, now } = ctx;
  let userId: string | undefined;
  if (!session.user.isAdmin) {
    if (query.user !== undefined && query.user !== session.user.username) throw new AdminError("forbidden", "you can list only your own keys");
    userId = session.user.id;
  } else if (query.user !== undefined) {
    const user = await store.directory.lookupUser(query.user);
    if (!user) throw new AdminError("user_not_found", `no user ${query.user}`);
    userId = user.id;
  }
  const identity = query.q === undefined ? null : keyIdentityOf(query.q, store.directory.keyPolicy);
  return {
    userId,
    status: query.status,
    ...(identity ? { identity } : { q: query.q === undefined ? undefined : searchText(query.q) }),
    searchUsernames: session.user.isAdmin,
    type: query.type,
    origin: query.origin,
    lastUsedBefore: query.lastUsedBefore,
    lastUsedAfter: query.lastUsedAfter,
    now: new Date(now()),
  };
}

/** The key inventory: a sorted, filtered page with totals; the same list as CSV; bulk revocation (admins). */
export function registerKeyInventoryRoutes(router: Router, ctx: () => AdminContext): void {
  router.get("/api/keys", async (req, res) => {
    const query = parse(keyListQuery, req.query);
    const { store, now } = ctx();
    const filter = await keyFilterOf(req, ctx(), query);
    const sort: KeySort = { column: query.sort, order: query.order };
    const cursor = decodeCursor(query.cursor, keyCursor);
    if (cursor && (cursor.s !== sort.column || cursor.o !== sort.order)) throw new AdminError("invalid_cursor", "the cursor belongs to another sort order");
    const [{ items, more }, totals] = await Promise.all([
      store.directory.pageKeys({ ...filter, sort, after: cursor && { value: cursor.v, id: cursor.i }, limit: query.limit }),
      store.directory.countKeys(filter),
    ]);
    const last = items[items.length - 1];
    const breaks = await policyBreaksOf(store, items, now());
    res.json({
      keys: items.map((row) => keyJson(row, now(), store.directory.keyPolicy, store.events, breaks.get(row.id))),
      nextCursor: more && last ? encodeCursor({ s: sort.column, o: sort.order, v: keySortValue(last, sort.column), i: last.id }) : null,
      totals,
      identity: filter.identity !== undefined,
    } satisfies z.input<typeof KeyInventoryJson>);
  });

  router.get("/api/keys/export.csv", async (req, res) => {
    const query = parse(keyExportQuery, req.query);
    const { store, now } = ctx();
    const filter = await keyFilterOf(req, ctx(), query);
    const sort: KeySort = { column: query.sort, order: query.order };
    const nowMs = now();
    async function* pages() {
      let after: { value: ReturnType<typeof keySortValue>; id: string } | undefined;
      for (;;) {
        const page = await store.directory.pageKeys({ ...filter, sort, after, limit: exportPageSize });
        yield page.items.map((key) => csvCells(key, nowMs));
        const last = page.items[page.items.length - 1];
        if (!page.more || !last) return;
        after = { value: keySortValue(last, sort.column), id: last.id };
      }
    }
    await sendCsv(res, "keys.csv", csvHeader, pages());
  });

  // One reason for every key; each id answered on its own, so a key revoked meanwhile or
  // deleted does not undo the rest.
  router.post("/api/keys/revoke", async (req, res) => {
    requireAdmin(req);
    const body = parse(keyBulkRevokeBody, req.body, "invalid_body");
    const { store, now } = ctx();
    const at = new Date(now());
    const results: z.input<typeof KeyBulkRevokeResponse>["results"] = [];
    for (const id of new Set(body.ids)) {
      try {
        const before = await store.directory.findKeyById(id);
        const key = await store.directory.revokeKeyById(id, body.reason ?? null, at);
        await recordChanges(req, ctx(), ...keyChanges(before, key));
        results.push({ id, outcome: "revoked", key: keyJson(key, now(), store.directory.keyPolicy, store.events) });
      } catch (error) {
        if (!(error instanceof DirectoryError)) throw error;
        if (error.code === "conflict") {
          const key = await store.directory.lookupKeyById(id);
          results.push({ id, outcome: "already_revoked", key: key && keyJson(key, now(), store.directory.keyPolicy, store.events) });
        } else if (error.code === "not_found") results.push({ id, outcome: "not_found", key: null });
        else throw error;
      }
    }
    res.json({ results } satisfies z.input<typeof KeyBulkRevokeResponse>);
  });
}
