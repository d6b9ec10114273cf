import type { Request } from "express";
import type { AuditChange, AuditOrigin } from "../audit/recorder.js";
import type { StoredUser } from "../store/ports.js";
import { sessionOf, type AdminContext } from "./context.js";

/**
 * A console change's origin: the user (the signed-in session's, or the one signing in), the
 * client's address as Express reports it (so the app's `trust proxy` decides, as for the rest
 * of the admin API) and its user agent.
 */
export function consoleOrigin(req: Request, user: Pick<StoredUser, "id" | "username"> = sessionOf(req).user): AuditOrigin {
  return { actor: { type: "user", id: user.id, name: user.username }, ip: req.ip ?? null, userAgent: req.get("user-agent")?.slice(0, 512) ?? null };
}

/** Records changes the request made (after the store made them: see AuditWriteError). */
export function recordChanges(req: Request, ctx: AdminContext, ...changes: AuditChange[]): Promise<void> {
  return ctx.audit.recordAll(consoleOrigin(req), changes);
}
