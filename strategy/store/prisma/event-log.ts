import type { AuthEventEntry, EventFilter, EventLog, EventPageQuery, EventTotals, Page } from "../ports.js";
import type { Prisma } from "./client.js";
import type { Provider } from "./database-url.js";

/** Reads AuthEvent rows, newest first, with the key each names. */
export class PrismaEventLog implements EventLog {
  constructor(
    private readonly prisma: Prisma,
    /** PostgreSQL compares text case-sensitively unless asked; SQLite's LIKE already ignores ASCII case. */
    private readonly provider: Provider = "sqlite",
  ) {}

  private async conditions(filter: EventFilter): Promise<object[]> {
    const and: object[] = [];
    if (filter.username !== undefined) {
      const user = await this.prisma.user.findUnique({ where: { username: filter.username }, select: { id: true } });
      // Failed attempts (unknown users, or a known name with an unregistered key) keep only the claimed name.
      const claimed = { username: filter.username, userId: null };
      and.push(user ? { OR: [{ userId: user.id }, claimed] } : claimed);
    }
    if (filter.usernameContains !== undefined) {
      const contains = { contains: filter.usernameContains, ...(this.provider === "postgresql" ? { mode: "insensitive" } : {}) };
      and.push({ OR: [{ username: contains }, { user: { username: contains } }] });
    }
    if (filter.userId !== undefined) and.push({ userId: filter.userId });
    // A certificate attempt records its serial or key id even when its CA was not trusted.
    if (filter.certificates === true) and.push({ OR: [{ certSerial: { not: null } }, { certKeyId: { not: null } }] });
    if (filter.keyId !== undefined) and.push({ keyId: filter.keyId });
    if (filter.scheme !== undefined) and.push({ scheme: filter.scheme });
    if (filter.outcome !== undefined) and.push({ outcome: filter.outcome });
    if (filter.from !== undefined) and.push({ at: { gte: filter.from } });
    if (filter.to !== undefined) and.push({ at: { lt: filter.to } });
    return and;
  }

  async page(query: EventPageQuery): Promise<Page<AuthEventEntry>> {
    const and = await this.conditions(query);
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

  async count(filter: EventFilter): Promise<EventTotals> {
    const groups = await this.prisma.authEvent.groupBy({ by: ["outcome"], where: { AND: await this.conditions(filter) } as never, _count: { _all: true } });
    const byOutcome: EventTotals["byOutcome"] = { success: 0, failure: 0, alarm: 0 };
    let matching = 0;
    for (const group of groups) {
      const outcome = group.outcome === "success" || group.outcome === "alarm" ? group.outcome : "failure";
      byOutcome[outcome] += group._count._all;
      matching += group._count._all;
    }
    return { matching, byOutcome };
  }
}
