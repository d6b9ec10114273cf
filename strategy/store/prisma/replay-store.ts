import type { ReplayStore } from "../ports.js";
import type { Prisma } from "./client.js";

/**
 * One-time values in the ReplayNonce table. Acceptance is the primary-key insert
 * itself (INSERT … ON CONFLICT DO NOTHING affects one row or none), so concurrent
 * requests and several processes on one database agree without locks.
 */
export class PrismaReplayStore implements ReplayStore {
  private lastPrune = 0;

  constructor(
    private readonly prisma: Prisma,
    private readonly options: { now?: () => number; pruneEveryMs?: number } = {},
  ) {}

  async consume(scope: string, value: string, expiresAt: Date): Promise<boolean> {
    const inserted = await this.prisma.$executeRaw`
      INSERT INTO "ReplayNonce" ("scope", "value", "expiresAt") VALUES (${scope}, ${value}, ${expiresAt})
      ON CONFLICT DO NOTHING`;
    this.pruneSometimes();
    return inserted === 1;
  }

  /** Deletes values whose window has closed: a token that old is refused by its timestamp anyway. */
  async prune(): Promise<number> {
    const now = new Date(this.options.now?.() ?? Date.now());
    return (await this.prisma.replayNonce.deleteMany({ where: { expiresAt: { lt: now } } })).count;
  }

  private pruneSometimes(): void {
    const now = this.options.now?.() ?? Date.now();
    if (now - this.lastPrune < (this.options.pruneEveryMs ?? 60_000)) return;
    this.lastPrune = now;
    // Off the request path; a failed prune is retried next time.
    this.prune().catch(() => {});
  }
}
