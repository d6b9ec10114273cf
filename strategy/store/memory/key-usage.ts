import type { KeyUsageDay, KeyUsageLog, KeyUsageTotals } from "../ports.js";
import type { MemoryTables } from "./tables.js";

export class MemoryKeyUsageLog implements KeyUsageLog {
  constructor(private readonly tables: MemoryTables) {}

  async days(keyId: string, fromDay: string): Promise<KeyUsageDay[]> {
    const days = this.tables.usage.get(keyId);
    if (!days) return [];
    return [...days]
      .filter(([day]) => day >= fromDay)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([day, counts]) => ({ day, ...counts }));
  }

  async totals(keyIds: readonly string[], fromDay: string): Promise<Map<string, KeyUsageTotals>> {
    const totals = new Map<string, KeyUsageTotals>();
    for (const keyId of keyIds) {
      const days = await this.days(keyId, fromDay);
      if (days.length === 0) continue;
      totals.set(keyId, { successes: days.reduce((n, d) => n + d.successes, 0), failures: days.reduce((n, d) => n + d.failures, 0) });
    }
    return totals;
  }
}
