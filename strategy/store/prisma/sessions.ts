import type { ConsoleSessionRecord, LinkInspection, LinkRedemption, NewConsoleSession, SessionStore } from "../ports.js";
import { toUserRecord } from "../directory/rules.js";
import type { Prisma } from "./client.js";

function sessionRecord(row: Omit<ConsoleSessionRecord, "user"> & { user: Parameters<typeof toUserRecord>[0] }): ConsoleSessionRecord {
  const { id, userId, csrfToken, createdAt, lastSeenAt, expiresAt } = row;
  return { id, userId, csrfToken, createdAt, lastSeenAt, expiresAt, user: toUserRecord(row.user) };
}

/** Console sessions (ConsoleSession) and sign-in links (SignInLink) over Prisma. */
export class PrismaSessionStore implements SessionStore {
  constructor(private readonly prisma: Prisma) {}

  async createSession(session: NewConsoleSession): Promise<ConsoleSessionRecord> {
    return sessionRecord(await this.prisma.consoleSession.create({ data: session, include: { user: true } }));
  }

  async findSession(id: string): Promise<ConsoleSessionRecord | null> {
    const row = await this.prisma.consoleSession.findUnique({ where: { id }, include: { user: true } });
    return row && sessionRecord(row);
  }

  async touchSession(id: string, lastSeenAt: Date): Promise<void> {
    await this.prisma.consoleSession.updateMany({ where: { id }, data: { lastSeenAt } });
  }

  async deleteSession(id: string): Promise<void> {
    await this.prisma.consoleSession.deleteMany({ where: { id } });
  }

  async deleteSessionsOf(userId: string): Promise<void> {
    await this.prisma.consoleSession.deleteMany({ where: { userId } });
  }

  async deleteSessionsExpiredBy(at: Date): Promise<void> {
    await this.prisma.consoleSession.deleteMany({ where: { expiresAt: { lte: at } } });
  }

  async createSignInLink(link: { id: string; userId: string; createdAt: Date; expiresAt: Date }): Promise<void> {
    await this.prisma.signInLink.create({ data: link, select: { id: true } });
  }

  async deleteSignInLinksExpiredBefore(at: Date): Promise<void> {
    await this.prisma.signInLink.deleteMany({ where: { expiresAt: { lt: at } } });
  }

  async redeemSignInLink(id: string, at: Date): Promise<LinkRedemption> {
    // The conditional update is the redemption: of concurrent ones exactly one changes the row.
    const won = await this.prisma.signInLink.updateMany({ where: { id, usedAt: null, expiresAt: { gt: at } }, data: { usedAt: at } });
    const link = await this.prisma.signInLink.findUnique({ where: { id }, include: { user: true } });
    if (!link) return null;
    const outcome = won.count === 1 ? "redeemed" : link.usedAt ? "used" : "expired";
    return { outcome, user: toUserRecord(link.user) };
  }

  async inspectSignInLink(id: string, at: Date): Promise<LinkInspection> {
    const link = await this.prisma.signInLink.findUnique({ where: { id }, include: { user: true } });
    if (!link) return null;
    const outcome = link.usedAt ? "used" : link.expiresAt.getTime() <= at.getTime() ? "expired" : "unused";
    return { outcome, user: toUserRecord(link.user) };
  }
}
