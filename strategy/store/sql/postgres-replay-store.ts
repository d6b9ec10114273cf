import type pg from "pg";
import type { ReplayStore } from "../ports.js";

/**
 * The replay guard on PostgreSQL through a pg pool of its own: one INSERT … ON CONFLICT
 * DO NOTHING round trip, atomic across every instance on the database. Prisma's raw
 * query path adds client-side work per call that outweighs the statement on this hot path.
 */
export class PostgresReplayStore implements ReplayStore {
  private lastPrune = 0;

  constructor(
    private readonly pool: pg.Pool,
    private readonly now: () => number = Date.now,
  ) {}

  async consume(scope: string, value: string, expiresAt: Date): Promise<boolean> {
    const result = await this.pool.query({
      name: "pssk-replay-insert",
      text: `INSERT INTO "ReplayNonce" ("scope", "value", "expiresAt") VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
      // ISO text, not a Date: pg would send local time, and the column holds UTC without a zone, as Prisma writes it.
      values: [scope, value, expiresAt.toISOString()],
    });
    const now = this.now();
    if (now - this.lastPrune >= 60_000) {
      this.lastPrune = now;
      this.prune().catch(() => {});
    }
    return result.rowCount === 1;
  }

  async prune(): Promise<number> {
    const result = await this.pool.query(`DELETE FROM "ReplayNonce" WHERE "expiresAt" < $1`, [new Date(this.now()).toISOString()]);
    return result.rowCount ?? 0;
  }
}
