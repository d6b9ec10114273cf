import type { ConsoleSessionRecord, LinkInspection, LinkRedemption, NewConsoleSession, SessionStore } from "../ports.js";
import { toUserRecord } from "../directory/rules.js";
import type { MemoryTables } from "./tables.js";

/** Console sessions and sign-in links in MemoryTables. */
export class MemorySessionStore implements SessionStore {
  constructor(private readonly tables: MemoryTables) {}

  private record(session: NewConsoleSession): ConsoleSessionRecord {
    const { id, userId, csrfToken, createdAt, lastSeenAt, expiresAt } = session;
    return { id, userId, csrfToken, createdAt, lastSeenAt, expiresAt, user: toUserRecord(this.tables.users.get(userId)!) };
  }

  async createSession(session: NewConsoleSession): Promise<ConsoleSessionRecord> {
    if (!this.tables.users.has(session.userId)) throw new Error("no such user");
    if (this.tables.sessions.has(session.id)) throw new Error("session id already in use");
    this.tables.sessions.set(session.id, { ...session });
    return this.record(session);
  }

  async findSession(id: string): Promise<ConsoleSessionRecord | null> {
    const session = this.tables.sessions.get(id);
    return session ? this.record(session) : null;
  }

  async touchSession(id: string, lastSeenAt: Date): Promise<void> {
    const session = this.tables.sessions.get(id);
    if (session) session.lastSeenAt = lastSeenAt;
  }

  async deleteSession(id: string): Promise<void> {
    this.tables.sessions.delete(id);
  }

  async deleteSessionsOf(userId: string): Promise<void> {
    for (const [id, session] of this.tables.sessions) if (session.userId === userId) this.tables.sessions.delete(id);
  }

  async deleteSessionsExpiredBy(at: Date): Promise<void> {
    for (const [id, session] of this.tables.sessions) if (session.expiresAt.getTime() <= at.getTime()) this.tables.sessions.delete(id);
  }

  async createSignInLink(link: { id: string; userId: string; createdAt: Date; expiresAt: Date }): Promise<void> {
    if (!this.tables.users.has(link.userId)) throw new Error("no such user");
    if (this.tables.links.has(link.id)) throw new Error("link id already in use");
    this.tables.links.set(link.id, { ...link, usedAt: null });
  }

  async deleteSignInLinksExpiredBefore(at: Date): Promise<void> {
    for (const [id, link] of this.tables.links) if (link.expiresAt.getTime() < at.getTime()) this.tables.links.delete(id);
  }

  async redeemSignInLink(id: string, at: Date): Promise<LinkRedemption> {
    const link = this.tables.links.get(id);
    if (!link) return null;
    const user = toUserRecord(this.tables.users.get(link.userId)!);
    // Check and mark without an await between them: of concurrent redemptions exactly one wins.
    if (link.usedAt) return { outcome: "used", user };
    if (link.expiresAt.getTime() <= at.getTime()) return { outcome: "expired", user };
    link.usedAt = at;
    return { outcome: "redeemed", user };
  }

  async inspectSignInLink(id: string, at: Date): Promise<LinkInspection> {
    const link = this.tables.links.get(id);
    if (!link) return null;
    const user = toUserRecord(this.tables.users.get(link.userId)!);
    if (link.usedAt) return { outcome: "used", user };
    return { outcome: link.expiresAt.getTime() <= at.getTime() ? "expired" : "unused", user };
  }
}
