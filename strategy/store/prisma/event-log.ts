import type { AuthEventEntry, EventLog, EventPageQuery, Page } from "../ports.js";
import type { Prisma } from "./client.js";

/** Reads AuthEvent rows, newest first, with the key each names. */
export class PrismaEventLog implements EventLog {
  constructor(private readonly prisma: Prisma) {}

  async page(query: EventPageQuery): Promise<Page<AuthEventEntry>> {
    const and: object[] = [];
    if (query.username !== undefined) {
      const user = await this.prisma.user.findUnique({ where: { username: query.username }, select: { id: true } });
      // Failed attempts (unknown users, or a known name with an unregistered key) keep only the claimed name.
      const claimed = { username: query.username, userId: null };
      and.push(user ? { OR: [{ userId: user.id }, claimed] } : claimed);
    }
    if (query.userId !== undefined) and.push({ userId: query.userId });
    // A certificate attempt records its serial or key id even when its CA was not trusted.
    if (query.certificates === true) and.push({ OR: [{ certSerial: { not: null } }, { certKeyId: { not: null } }] });
    if (query.keyId !== undefined) and.push({ keyId: query.keyId });
    if (query.scheme !== undefined) and.push({ scheme: query.scheme });
    if (query.outcome !== undefined) and.push({ outcome: query.outcome });
    if (query.from !== undefined) and.push({ at: { gte: query.from } });
    if (query.to !== undefined) and.push({ at: { lt: query.to } });
    if (query.after) {
      const at = query.after.at;
      and.push({ OR: [{ at: { lt: at } }, { at, id: { lt: query.after.id } }] });
    }
    const rows = await this.prisma.authEvent.findMany({
      where: { AND: and } as never,
      include: { key: { select: { fingerprintSha256: true, comment: true } } },
      orderBy: [{ at: "desc" }, { id: "desc" }],
      take: query.limit + 1,
    });
    const items = rows.slice(0, query.limit).map(({ key, ...event }) => ({
      ...event,
      keyFingerprint: key?.fingerprintSha256 ?? null,
      keyComment: key?.comment ?? null,
    }));
    return { items, more: rows.length > query.limit };
  }
}
