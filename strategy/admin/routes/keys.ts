import type { Request, Router } from "express";
import type { z } from "zod";
import type { KeyDeletedResponse, KeyDetailResponse, KeyPreviewResponse, KeyResponse, KeysAddedResponse } from "../../contract/responses.js";
import { ldapManagedKeyMessage } from "../../core/key-origin.js";
import { keyAddBody, keyIdParam, keyPatchBody, keyPreviewBody, keyRevokeBody } from "../../contract/requests.js";
import { looksLikePrivateKey } from "../../keys/formats/private-key.js";
import { parseKeyPaste } from "../../keys/index.js";
import type { KeyPasteEntry, ParsedPublicKey } from "../../keys/types.js";
import { DirectoryError, type KeyRecord } from "../../store/index.js";
import { firstUsageDay, usageSeries, usageWindowDays } from "../../store/key-usage.js";
import { keyAppeared, keyChanges, keyDeleted } from "../../audit/targets.js";
import { recordChanges } from "../audit.js";
import { sessionOf, type AdminContext } from "../context.js";
import { AdminError } from "../errors.js";
import { registeredMessage, registrationsOf } from "../key-holders.js";
import { parse } from "../parse-input.js";
import { newKeyBreaksOf, policyBreaksOf } from "../policy-breaks.js";
import { keyEventJson, keyJson, previewEntryJson } from "../responses.js";
import { auditLimitChanges, refuseLimitChangeUnlessAdmin } from "./key-limits.js";

const privateKeyMessage = "this is a private key: it was not stored. Paste the .pub file (ssh-keygen -y -f KEY prints it) and keep the private key secret";

/**
 * Who holds a key is an administrator's business: anyone else learns only that the key
 * cannot be added, unless it is already their own (or the target user's, for an admin).
 */
function conflictMessage(error: DirectoryError, caller: { isAdmin: boolean }, targetUserId: string): string {
  if (caller.isAdmin || error.holder === undefined) return error.message;
  if (error.holder.userId === targetUserId) return "you have already registered this key";
  return "this key cannot be added";
}

/** The entries `select` names (all of them without it); a line it names that the text does not have is a 400. */
function chosenEntries(entries: KeyPasteEntry[], select: { line: number }[] | undefined): KeyPasteEntry[] {
  if (!select) return entries;
  return [...new Set(select.map((chosen) => chosen.line))].map((line) => {
    const entry = entries.find((e) => e.source.line === line);
    if (!entry) throw new AdminError("invalid_request", `select: the text has no key on line ${line}`);
    return entry;
  });
}

/** The account keys are added to: the caller's, or (an admin only) the named user's. */
async function targetUser(req: Request, store: AdminContext["store"], username: string | undefined): Promise<{ id: string; isAdmin: boolean }> {
  const session = sessionOf(req);
  if (username === undefined || username === session.user.username) return session.user;
  if (!session.user.isAdmin) throw new AdminError("forbidden", "only an administrator can add keys for another user");
  const user = await store.directory.lookupUser(username);
  if (!user) throw new AdminError("user_not_found", `no user ${username}`);
  return user;
}

async function targetUserId(req: Request, store: AdminContext["store"], username: string | undefined): Promise<string> {
  return (await targetUser(req, store, username)).id;
}

/** A comment is shown to every administrator: refuse one that holds a private key, without echoing it. */
function refusePrivateComment(comment: string | undefined): void {
  if (comment !== undefined && looksLikePrivateKey(comment)) throw new AdminError("private_key", privateKeyMessage);
}

/** The key `:id` names, if the caller may see it: their own, or (for an admin) anyone's. Another user's key is a 404. */
export async function accessibleKey(req: Request, ctx: AdminContext): Promise<KeyRecord> {
  const { id } = parse(keyIdParam, req.params);
  const session = sessionOf(req);
  const row = await ctx.store.directory.lookupKeyById(id);
  if (!row || (!session.user.isAdmin && row.userId !== session.user.id)) throw new AdminError("key_not_found", "no such key");
  return row;
}

/** The LDAP sync owns its keys' text, name and existence: here they may only be revoked (which the sync never undoes). */
function refuseLdapKey(row: KeyRecord): KeyRecord {
  if (row.origin === "ldap") throw new AdminError("key_managed_by_ldap", ldapManagedKeyMessage);
  return row;
}

/** Keys: a user sees and changes only their own; an admin everyone's. Another user's key is a 404. (Listing: key-inventory.ts.) */
export function registerKeyRoutes(router: Router, ctx: () => AdminContext): void {
  router.post("/api/keys/preview", async (req, res) => {
    const body = parse(keyPreviewBody, req.body, "invalid_body");
    const session = sessionOf(req);
    const { store } = ctx();
    const entries = parseKeyPaste(body.text, store.directory.keyPolicy);
    const target = await targetUser(req, store, body.username);
    const [registered, breaks] = await Promise.all([
      registrationsOf(store.directory, entries, session.user, target.id),
      newKeyBreaksOf(store, entries, target.isAdmin, ctx().now()),
    ]);
    res.json({
      keys: entries.map((entry) => {
        const json = previewEntryJson(entry);
        return json.ok ? { ...json, registered: registered.get(json.line) ?? null, policyBreaks: breaks.get(json.line) ?? [] } : json;
      }),
    } satisfies z.input<typeof KeyPreviewResponse>);
  });

  router.post("/api/keys", async (req, res) => {
    const body = parse(keyAddBody, req.body, "invalid_body");
    refusePrivateComment(body.comment);
    for (const chosen of body.select ?? []) refusePrivateComment(chosen.comment);
    const session = sessionOf(req);
    const { store, now } = ctx();
    const userId = await targetUserId(req, store, body.username);
    const entries = chosenEntries(parseKeyPaste(body.text, store.directory.keyPolicy), body.select);
    if (entries.length === 0) throw new AdminError("invalid_keys", "no public key found in the text", { keys: [] });
    const problems = entries.filter((e) => !e.ok);
    if (problems.length > 0) {
      const privateKey = problems.some((e) => !e.ok && e.problem.code === "private_key");
      throw new AdminError(
        privateKey ? "private_key" : "invalid_keys",
        privateKey ? privateKeyMessage : "some keys in the text cannot be added; nothing was saved",
        { keys: entries.map(previewEntryJson) },
      );
    }
    const registered = await registrationsOf(store.directory, entries, session.user, userId);
    for (const entry of entries) {
      const found = entry.ok ? registered.get(entry.source.line) : undefined;
      if (entry.ok && found) throw new AdminError("key_exists", registeredMessage(entry, found, session.user));
    }
    const names = new Map((body.select ?? []).map((chosen) => [chosen.line, chosen.comment]));
    const keys = entries.map((e) => {
      const { key, source } = e as { key: ParsedPublicKey; source: { line: number } };
      const name = names.get(source.line);
      return name ? { ...key, comment: name } : key;
    });
    let records: KeyRecord[];
    try {
      records = await store.directory.insertKeys(userId, keys, { comment: body.comment, expiresAt: body.expiresAt ?? null });
    } catch (error) {
      if (error instanceof DirectoryError && error.code === "conflict") throw new AdminError("key_exists", conflictMessage(error, session.user, userId));
      if (error instanceof DirectoryError && error.code === "too_many_keys") throw new AdminError("too_many_keys", error.message);
      throw error;
    }
    await recordChanges(req, ctx(), ...records.map((row) => keyAppeared("key.added", row)));
    res
      .status(201)
      .json({ keys: records.map((row) => keyJson(row, now(), store.directory.keyPolicy, store.events)) } satisfies z.input<typeof KeysAddedResponse>);
  });

  router.get("/api/keys/:id", async (req, res) => {
    const row = await accessibleKey(req, ctx());
    const { store, now } = ctx();
    const nowMs = now();
    const [{ items: events }, days, breaks] = await Promise.all([
      store.eventLog.page({ keyId: row.id, limit: 50 }),
      store.usage.days(row.id, firstUsageDay(nowMs, usageWindowDays)),
      policyBreaksOf(store, [row], nowMs),
    ]);
    res.json({
      key: keyJson(row, nowMs, store.directory.keyPolicy, store.events, breaks.get(row.id)),
      events: events.map(keyEventJson),
      usage: usageSeries(days, nowMs, usageWindowDays),
    } satisfies z.input<typeof KeyDetailResponse>);
  });

  router.patch("/api/keys/:id", async (req, res) => {
    const body = parse(keyPatchBody, req.body, "invalid_body");
    refusePrivateComment(body.comment);
    refuseLimitChangeUnlessAdmin(req, body);
    const row = refuseLdapKey(await accessibleKey(req, ctx()));
    const { store, now } = ctx();
    const updated = await store.directory.updateKeyById(row.id, {
      comment: body.comment,
      expiresAt: body.expiresAt,
      sshOptions: body.sshOptions === "" ? null : body.sshOptions,
      scopes: body.scopes,
      rateLimit: body.rateLimit,
    });
    await recordChanges(req, ctx(), ...keyChanges(row, updated));
    await auditLimitChanges(req, ctx(), row, updated);
    res.json({ key: keyJson(updated, now(), store.directory.keyPolicy, store.events) } satisfies z.input<typeof KeyResponse>);
  });

  router.post("/api/keys/:id/revoke", async (req, res) => {
    const body = parse(keyRevokeBody, req.body ?? {}, "invalid_body");
    const row = await accessibleKey(req, ctx());
    const { store, now } = ctx();
    if (row.revokedAt) throw new AdminError("already_revoked", "the key is already revoked");
    let updated: KeyRecord;
    try {
      updated = await store.directory.revokeKeyById(row.id, body.reason ?? null, new Date(now()));
    } catch (error) {
      if (error instanceof DirectoryError && error.code === "conflict") throw new AdminError("already_revoked", error.message);
      throw error;
    }
    await recordChanges(req, ctx(), ...keyChanges(row, updated));
    res.json({ key: keyJson(updated, now(), store.directory.keyPolicy, store.events) } satisfies z.input<typeof KeyResponse>);
  });

  router.delete("/api/keys/:id", async (req, res) => {
    const row = refuseLdapKey(await accessibleKey(req, ctx()));
    try {
      await ctx().store.directory.removeKeyById(row.id);
    } catch (error) {
      if (error instanceof DirectoryError && error.code === "not_found") throw new AdminError("key_not_found", "no such key");
      throw error;
    }
    await recordChanges(req, ctx(), keyDeleted(row));
    res.json({ deleted: true, id: row.id } satisfies z.input<typeof KeyDeletedResponse>);
  });
}
