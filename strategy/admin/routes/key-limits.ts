import type { Request, Router } from "express";
import type { z } from "zod";
import type { KeyResponse } from "../../contract/responses.js";
import type { AuditAction } from "../../contract/audit-actions.js";
import type { KeyRecord } from "../../store/index.js";
import { sessionOf, type AdminContext } from "../context.js";
import { AdminError } from "../errors.js";
import { keyJson } from "../responses.js";
import { accessibleKey } from "./keys.js";
import { limitChanges } from "../../core/key-limits.js";

/** Scopes, rate limits and lockouts bound what a key may do: their owner may not lift them, only an administrator. */
export function refuseLimitChangeUnlessAdmin(req: Request, body: { scopes?: unknown; rateLimit?: unknown }): void {
  if (body.scopes === undefined && body.rateLimit === undefined) return;
  if (!sessionOf(req).user.isAdmin) throw new AdminError("forbidden", "only an administrator can change a key's scopes or rate limit");
}

async function audit(req: Request, ctx: AdminContext, action: AuditAction, key: KeyRecord, before: Record<string, unknown>, after: Record<string, unknown>) {
  const { user } = sessionOf(req);
  await ctx.store.audit.append({
    at: new Date(ctx.now()),
    actor: { type: "user", id: user.id, name: user.username },
    ip: req.ip ?? null,
    userAgent: req.get("user-agent") ?? null,
    action,
    target: { type: "key", id: key.id, name: key.fingerprintSha256 },
    before,
    after,
  });
}

/** Records `key.scopes_changed` / `key.limits_changed` for what a PATCH changed. */
export async function auditLimitChanges(req: Request, ctx: AdminContext, before: KeyRecord, after: KeyRecord): Promise<void> {
  for (const change of limitChanges(before, after)) await audit(req, ctx, change.action, after, change.before, change.after);
}

/** POST /api/keys/:id/unlock: an administrator lifts a lockout (and clears the failure count) before it runs out. */
export function registerKeyLimitRoutes(router: Router, ctx: () => AdminContext): void {
  router.post("/api/keys/:id/unlock", async (req, res) => {
    if (!sessionOf(req).user.isAdmin) throw new AdminError("forbidden", "only an administrator can unlock a key");
    const context = ctx();
    const row = await accessibleKey(req, context);
    const updated = await context.store.directory.unlockKeyById(row.id);
    if (row.lockedUntil !== null || row.failedAttempts > 0) {
      await audit(
        req,
        context,
        "key.unlocked",
        updated,
        { lockedUntil: row.lockedUntil, failedAttempts: row.failedAttempts },
        { lockedUntil: null, failedAttempts: 0 },
      );
    }
    res.json({ key: keyJson(updated, context.now(), context.store.directory.keyPolicy, context.store.events) } satisfies z.input<typeof KeyResponse>);
  });
}
