import type { SettingsStore } from "../ports.js";
import type { Prisma } from "./client.js";

/**
 * Settings in the `Setting` table. Safe when several processes start at once on one
 * database: the first insert wins (primary key), the others fail their insert and read
 * the winner's value.
 */
export class PrismaSettingsStore implements SettingsStore {
  constructor(private readonly prisma: Prisma) {}

  async loadOrCreate(key: string, create: () => string): Promise<string> {
    const existing = await this.prisma.setting.findUnique({ where: { key }, select: { value: true } });
    if (existing) return existing.value;
    const value = create();
    try {
      await this.prisma.setting.create({ data: { key, value }, select: { key: true } });
      return value;
    } catch (error) {
      // Most likely a unique-constraint race (P2002); anything else resurfaces below.
      const winner = await this.prisma.setting.findUnique({ where: { key }, select: { value: true } });
      if (!winner) throw error;
      return winner.value;
    }
  }

  async read(key: string): Promise<string | null> {
    return (await this.prisma.setting.findUnique({ where: { key }, select: { value: true } }))?.value ?? null;
  }

  async write(key: string, value: string): Promise<void> {
    await this.prisma.setting.upsert({ where: { key }, create: { key, value }, update: { value }, select: { key: true } });
  }
}
