import crypto from "node:crypto";
import type { Request, Response } from "express";
import type { ConsoleSessionRecord, LinkInspection, LinkRedemption, SessionStore, UserRecord } from "../store/ports.js";
import { toUserRecord } from "../store/directory/rules.js";
import { AdminError } from "./errors.js";

const sessionCookieName = "sshkey_console";

export interface SessionTimeouts {
  /** Sliding idle timeout (default 30 minutes). */
  idleMs?: number;
  /** Absolute lifetime from sign-in (default 12 hours). */
  absoluteMs?: number;
  /** lastSeenAt is written at most this often (default one minute). */
  touchEveryMs?: number;
}

type SessionUser = UserRecord;

export interface ActiveSession {
  id: string;
  user: SessionUser;
  csrfToken: string;
  createdAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
  idleExpiresAt: Date;
}

function sha256Hex(text: string): string {
  return crypto.createHash("sha256").update(text).digest("hex");
}

function randomToken(): string {
  return crypto.randomBytes(32).toString("base64url");
}

/** Reads one cookie from the Cookie header without a parser dependency. */
export function readCookie(req: Request, name: string): string | undefined {
  const header = req.headers.cookie;
  if (!header || header.length > 8192) return undefined;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** Console sessions: the cookie holds 32 random bytes, the session store only their SHA-256. */
export class SessionManager {
  readonly idleMs: number;
  readonly absoluteMs: number;
  private readonly touchEveryMs: number;

  constructor(
    private readonly store: SessionStore,
    private readonly now: () => number,
    timeouts: SessionTimeouts = {},
  ) {
    this.idleMs = timeouts.idleMs ?? 30 * 60_000;
    this.absoluteMs = timeouts.absoluteMs ?? 12 * 60 * 60_000;
    this.touchEveryMs = timeouts.touchEveryMs ?? 60_000;
  }

  /** Starts a session for `userId`, sets its cookie on `res` at `path` (where the router is mounted) and returns it. */
  async start(req: Request, res: Response, userId: string, path: string): Promise<ActiveSession> {
    const value = randomToken();
    const now = new Date(this.now());
    const session = await this.store.createSession({
      id: sha256Hex(value),
      userId,
      csrfToken: randomToken(),
      createdAt: now,
      lastSeenAt: now,
      expiresAt: new Date(now.getTime() + this.absoluteMs),
      ip: req.ip?.slice(0, 64) ?? null,
      userAgent: req.get("user-agent")?.slice(0, 300) ?? null,
    });
    res.cookie(sessionCookieName, value, {
      httpOnly: true,
      sameSite: "strict",
      secure: req.secure,
      path,
      maxAge: this.absoluteMs,
    });
    // Opportunistic cleanup of sessions past their absolute lifetime.
    await this.store.deleteSessionsExpiredBy(now);
    return this.toActive(session);
  }

  private toActive(row: ConsoleSessionRecord): ActiveSession {
    const { user } = row;
    return {
      id: row.id,
      user: toUserRecord(user),
      csrfToken: row.csrfToken,
      createdAt: row.createdAt,
      lastSeenAt: row.lastSeenAt,
      expiresAt: row.expiresAt,
      idleExpiresAt: new Date(Math.min(row.lastSeenAt.getTime() + this.idleMs, row.expiresAt.getTime())),
    };
  }

  /** The session the request's cookie names, or null; an expired one is deleted and reported as such. */
  async resolve(req: Request): Promise<ActiveSession | null> {
    const value = readCookie(req, sessionCookieName);
    if (!value || !/^[A-Za-z0-9_-]{43}$/.test(value)) return null;
    const id = sha256Hex(value);
    const row = await this.store.findSession(id);
    if (!row) return null;
    const now = this.now();
    const idleExpiresAt = row.lastSeenAt.getTime() + this.idleMs;
    if (now >= row.expiresAt.getTime() || now >= idleExpiresAt) {
      await this.store.deleteSession(id);
      throw new AdminError("session_expired", "the console session has expired; sign in again");
    }
    if (row.user.disabled) {
      await this.store.deleteSessionsOf(row.userId);
      throw new AdminError("user_disabled", "this user is disabled");
    }
    let lastSeenAt = row.lastSeenAt;
    if (now - row.lastSeenAt.getTime() >= this.touchEveryMs) {
      lastSeenAt = new Date(now);
      await this.store.touchSession(id, lastSeenAt);
    }
    return this.toActive({ ...row, lastSeenAt });
  }

  async end(req: Request, res: Response, sessionId: string, path: string): Promise<void> {
    await this.store.deleteSession(sessionId);
    this.clearCookie(req, res, path);
  }

  clearCookie(req: Request, res: Response, path: string): void {
    res.clearCookie(sessionCookieName, { httpOnly: true, sameSite: "strict", secure: req.secure, path });
  }

  endAllFor(userId: string): Promise<void> {
    return this.store.deleteSessionsOf(userId);
  }
}

export const signInLinkTtlMs = 5 * 60_000;

/**
 * Writes a one-time sign-in link for `userId` and returns its secret (only its SHA-256 is stored).
 * Used by the API's login/jwt and by `passport-sshkey console-link` on the server host.
 */
export async function createSignInLink(
  sessions: SessionStore,
  userId: string,
  options: { now?: number; ttlMs?: number } = {},
): Promise<{ secret: string; expiresAt: Date }> {
  const secret = randomToken();
  const now = options.now ?? Date.now();
  const expiresAt = new Date(now + (options.ttlMs ?? signInLinkTtlMs));
  await sessions.createSignInLink({ id: sha256Hex(secret), userId, createdAt: new Date(now), expiresAt });
  // Keep the table small: links long past their expiry go.
  await sessions.deleteSignInLinksExpiredBefore(new Date(now - 24 * 60 * 60_000));
  return { secret, expiresAt };
}

const linkSecretPattern = /^[A-Za-z0-9_-]{43}$/;

/** Throws the refusal for a link that is missing, used, expired or whose user is disabled; the user id otherwise. */
function usableLink(found: LinkRedemption | LinkInspection): { userId: string } {
  if (!found) throw new AdminError("link_invalid", "this sign-in link is not valid");
  if (found.outcome === "used") throw new AdminError("link_used", "this sign-in link has already been used; ask for a new one");
  if (found.outcome === "expired") throw new AdminError("link_expired", "this sign-in link has expired; ask for a new one");
  if (found.user.disabled) throw new AdminError("user_disabled", "this user is disabled");
  return { userId: found.user.id };
}

/** Checks a link without using it (what a GET of the link does): the same refusals as redeeming. */
export async function checkSignInLink(sessions: SessionStore, secret: string, now: number): Promise<{ userId: string; username: string }> {
  if (!linkSecretPattern.test(secret)) throw new AdminError("link_invalid", "this sign-in link is not valid");
  const found = await sessions.inspectSignInLink(sha256Hex(secret), new Date(now));
  return { ...usableLink(found), username: found!.user.username };
}

/** Redeems a link once: the conditional update makes exactly one of concurrent redemptions win. */
export async function redeemSignInLink(sessions: SessionStore, secret: string, now: number): Promise<{ userId: string }> {
  if (!linkSecretPattern.test(secret)) throw new AdminError("link_invalid", "this sign-in link is not valid");
  return usableLink(await sessions.redeemSignInLink(sha256Hex(secret), new Date(now)));
}

/** The console root for a user-given URL: a bare origin means the demo's /admin. */
export function consoleRoot(url: string): URL {
  const root = new URL(url);
  root.search = "";
  root.hash = "";
  let path = root.pathname.replace(/\/+$/, "");
  if (path === "") path = "/admin";
  root.pathname = path;
  return root;
}
