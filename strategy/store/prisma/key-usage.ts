import type { KeyUsageDay, KeyUsageLog, KeyUsageTotals } from "../ports.js";
import type { Prisma } from "./client.js";

/** Reads KeyUsageDay rows (the activity writers add to them). */
export class PrismaKeyUsageLog implements KeyUsageLog {
  constructor(private readonly prisma: Prisma) {}

  async days(keyId: string, fromDay: string): Promise<KeyUsageDay[]> {
    return this.prisma.keyUsageDay.findMany({
      where: { keyId, day: { gte: fromDay } },
      select: { day: true, successes: true, failures: true },
      orderBy: { day: "asc" },
    });
  }

  async totals(keyIds: readonly string[], fromDay: string): Promise<Map<string, KeyUsageTotals>> {
    if (keyIds.length === 0) return new Map();
    const rows = await this.prisma.keyUsageDay.groupBy({
      by: ["keyId"],
      where: { keyId: { in: [...keyIds] }, day: { gte: fromDay } },
      _sum: { successes: true, failures: true },
    });
    return new Map(rows.map((r) => [r.keyId, { successes: r._sum.successes ?? 0, failures: r._sum.failures ?? 0 }]));
  }
}
