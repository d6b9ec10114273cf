import type { Request, Response, Router } from "express";
import type { z } from "zod";
import { keyIdParam, keyImportBody, keySourceListQuery, keyVerifyBody } from "../../contract/requests.js";
import type { KeyChallengeResponse, KeyResponse, KeySourceListResponse, KeySourceRemovedResponse, KeySyncReportJson } from "../../contract/responses.js";
import { ImportError } from "../../import/errors.js";
import type { SyncReport } from "../../import/key-importer.js";
import { possessionCommand, possessionNamespace } from "../../import/possession.js";
import { DirectoryError, type KeySourceRecord } from "../../store/ports.js";
import { sourceRemoved, syncChanges } from "../../audit/import-changes.js";
import { keyChanges } from "../../audit/targets.js";
import { recordChanges } from "../audit.js";
import { sessionOf, targetUsername, type AdminContext } from "../context.js";
import { AdminError } from "../errors.js";
import { parse } from "../parse-input.js";
import { keyJson, keySourceJson, keySyncReportJson } from "../responses.js";
import { accessibleKey } from "./keys.js";

/** An importer's or the store's refusal in this API's words; a rate limit also sets Retry-After. */
function importRefusal(error: unknown, res: Response, nowMs: number, username: string): unknown {
  if (error instanceof ImportError) {
    if (error.code !== "rate_limited") return new AdminError(error.code, error.message);
    const at = error.detail?.retryAfter ?? new Date(nowMs + 60_000);
    const seconds = Math.max(1, Math.ceil((at.getTime() - nowMs) / 1000));
    res.set("Retry-After", String(seconds));
    return new AdminError("upstream_rate_limited", error.message, { retryAfter: seconds, retryAt: at.toISOString() });
  }
  if (error instanceof DirectoryError && error.code === "not_found") return new AdminError("user_not_found", `no user ${username}`);
  if (error instanceof DirectoryError && error.code === "too_many_keys") return new AdminError("too_many_keys", error.message);
  return error;
}

/**
 * Keys imported from GitHub, GitLab or a URL (issue 16): a user imports, syncs and removes their
 * own sources and proves holding their own unverified keys; an administrator anyone's.
 */
export function registerKeyImportRoutes(router: Router, ctx: () => AdminContext): void {
  const target = (req: Request, named: string | undefined) => targetUsername(req, named, "you can manage only your own key sources");

  /** The source `:id` names, if the caller may see it; another user's is a 404. */
  async function accessibleSource(req: Request): Promise<KeySourceRecord> {
    const { id } = parse(keyIdParam, req.params);
    const session = sessionOf(req);
    const { keySources } = ctx().store;
    const visible = session.user.isAdmin ? await keySources.listAll() : await keySources.list(session.user.username);
    const source = visible.find((s) => s.id === id);
    if (!source) throw new AdminError("key_source_not_found", "no such key source");
    return source;
  }

  const report = (req: Request, done: SyncReport): z.input<typeof KeySyncReportJson> =>
    keySyncReportJson(done, sessionOf(req).user, ctx().now(), ctx().store.directory.keyPolicy);

  router.get("/api/key-sources", async (req, res) => {
    const username = target(req, parse(keySourceListQuery, req.query).user);
    const sources = await ctx()
      .store.keySources.list(username)
      .catch((error: unknown) => {
        throw importRefusal(error, res, ctx().now(), username);
      });
    res.json({ sources: sources.map(keySourceJson) } satisfies z.input<typeof KeySourceListResponse>);
  });

  router.post("/api/key-sources", async (req, res) => {
    const body = parse(keyImportBody, req.body, "invalid_body");
    const username = target(req, body.username);
    const done = await ctx()
      .importer.importFrom(username, body.source)
      .catch((error: unknown) => {
        throw importRefusal(error, res, ctx().now(), username);
      });
    await recordChanges(req, ctx(), ...syncChanges(done, "added"));
    res.json(report(req, done));
  });

  router.post("/api/key-sources/:id/sync", async (req, res) => {
    const source = await accessibleSource(req);
    const done = await ctx()
      .importer.sync(source)
      .catch((error: unknown) => {
        throw importRefusal(error, res, ctx().now(), source.username);
      });
    await recordChanges(req, ctx(), ...syncChanges(done, "synced"));
    res.json(report(req, done));
  });

  router.delete("/api/key-sources/:id", async (req, res) => {
    const source = await accessibleSource(req);
    await ctx()
      .store.keySources.remove(source.username, source.ref)
      .catch((error: unknown) => {
        throw error instanceof DirectoryError && error.code === "not_found" ? new AdminError("key_source_not_found", "no such key source") : error;
      });
    await recordChanges(req, ctx(), sourceRemoved(source));
    res.json({ deleted: true, id: source.id } satisfies z.input<typeof KeySourceRemovedResponse>);
  });

  router.get("/api/keys/:id/challenge", async (req, res) => {
    const key = await accessibleKey(req, ctx());
    const challenge = await ctx().importer.challenge(key);
    res.json({ challenge, namespace: possessionNamespace, command: possessionCommand(challenge) } satisfies z.input<typeof KeyChallengeResponse>);
  });

  router.post("/api/keys/:id/verify", async (req, res) => {
    const body = parse(keyVerifyBody, req.body, "invalid_body");
    const key = await accessibleKey(req, ctx());
    if (!key.unverified) throw new AdminError("key_verified", "this key is verified already");
    const { importer, now, store } = ctx();
    const verified = await importer.verify(key, body.signature).catch((error: unknown) => {
      throw importRefusal(error, res, now(), key.username);
    });
    await recordChanges(req, ctx(), ...keyChanges(key, verified));
    res.json({ key: keyJson(verified, now(), store.directory.keyPolicy, store.events) } satisfies z.input<typeof KeyResponse>);
  });
}
