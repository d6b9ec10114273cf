// Settings on the hot path's driver connection: the key policy and the crtauth secret are read
// when a strategy starts, and through Prisma that alone loaded its client.
import type { SettingsStore } from "../ports.js";
import type { SqlDriver } from "./driver.js";

/**
 * Settings in the `Setting` table. Safe when several processes start at once on one database:
 * the first insert wins (primary key), the others insert nothing and read the winner's value.
 */
export class SqlSettingsStore implements SettingsStore {
  constructor(
    private readonly db: SqlDriver,
    /** The upsert the generation feed already uses (sql/generation-rows.ts). */
    private readonly upsert: (key: string, value: string) => Promise<void>,
  ) {}

  async loadOrCreate(key: string, create: () => string): Promise<string> {
    const existing = await this.read(key);
    if (existing !== null) return existing;
    const value = create();
    await this.db.changes(`INSERT INTO "Setting" ("key", "value", "updatedAt") VALUES (?, ?, ?) ON CONFLICT ("key") DO NOTHING`, [
      key,
      value,
      this.db.at(new Date()),
    ]);
    const winner = await this.read(key);
    if (winner === null) throw new Error(`setting ${key} was not stored`);
    return winner;
  }

  async read(key: string): Promise<string | null> {
    const [row] = await this.db.rows<{ value: string }>(`SELECT "value" FROM "Setting" WHERE "key" = ?`, [key]);
    return row?.value ?? null;
  }

  write(key: string, value: string): Promise<void> {
    return this.upsert(key, value);
  }
}
