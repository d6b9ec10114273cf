import type { Request } from "express";
import type { AuditRecorder } from "../audit/recorder.js";
import type { KeyImporter } from "../import/key-importer.js";
import type { SshKeyStore } from "../store/ports.js";
import { AdminError } from "./errors.js";
import type { ActiveSession, SessionManager } from "./sessions.js";

/** What the admin API reads and writes: the store's ports (any adapter: Prisma, memory). */
export type AdminStore = Pick<
  SshKeyStore,
  | "directory"
  | "sessions"
  | "eventLog"
  | "usage"
  | "keys"
  | "replay"
  | "events"
  | "authorities"
  | "jwks"
  | "keySources"
  | "settings"
  | "audit"
  | "notifications"
  | "changes"
>;

export interface AdminContext {
  store: AdminStore;
  sessions: SessionManager;
  /** Key import, sync and proof of possession on this store. */
  importer: KeyImporter;
  /** Appends who changed what to store.audit. */
  audit: AuditRecorder;
  now: () => number;
}

const sessions = new WeakMap<Request, ActiveSession>();
const bases = new WeakMap<Request, string>();

export function setSession(req: Request, session: ActiveSession): void {
  sessions.set(req, session);
}

/** The signed-in session of a request that passed the API's authentication. */
export function sessionOf(req: Request): ActiveSession {
  const session = sessions.get(req);
  if (!session) throw new AdminError("unauthenticated", "sign in to the console first");
  return session;
}

export function requireAdmin(req: Request): ActiveSession {
  const session = sessionOf(req);
  if (!session.user.isAdmin) throw new AdminError("forbidden", "this needs an administrator");
  return session;
}

/** The user a call is about: the caller, or (for an admin only) the one it names; anyone else is refused with `refusal`. */
export function targetUsername(req: Request, named: string | undefined, refusal: string): string {
  const session = sessionOf(req);
  if (named === undefined || named === session.user.username) return session.user.username;
  if (!session.user.isAdmin) throw new AdminError("forbidden", refusal);
  return named;
}

export function setBase(req: Request): void {
  if (!bases.has(req)) bases.set(req, req.baseUrl);
}

/** Where the admin router is mounted, e.g. "/admin" ("" at the root). */
export function baseOf(req: Request): string {
  return bases.get(req) ?? "";
}
