import type { KeyLimitStore } from "../ports.js";
import type { Prisma } from "./client.js";

/** Where fixed-window counts are kept: the database's RateWindow table, or Redis when the store has one. */
export interface RateWindowCounter {
  countInWindow(scope: string, windowStart: Date, expiresAt: Date): Promise<number>;
}

/** Expired windows are deleted at most this often, by whichever request comes first. */
const pruneEveryMs = 60_000;

/** RateWindow rows: an upsert that increments, atomic on both databases. */
export class PrismaRateWindows implements RateWindowCounter {
  private lastPrunedMs = 0;

  constructor(
    private readonly prisma: Prisma,
    private readonly now: () => number,
  ) {}

  async countInWindow(scope: string, windowStart: Date, expiresAt: Date): Promise<number> {
    this.prune();
    const where = { scope_windowStart: { scope, windowStart } };
    const upsert = () =>
      this.prisma.rateWindow.upsert({
        where,
        create: { scope, windowStart, count: 1, expiresAt },
        update: { count: { increment: 1 } },
        select: { count: true },
      });
    try {
      return (await upsert()).count;
    } catch (error) {
      // Two first hits of a window racing: the loser's insert conflicts; its increment then lands.
      if ((error as { code?: unknown }).code !== "P2002") throw error;
      return (await upsert()).count;
    }
  }

  private prune(): void {
    const now = this.now();
    if (now - this.lastPrunedMs < pruneEveryMs) return;
    this.lastPrunedMs = now;
    // Not awaited: cleaning up is not worth a request's latency or its failure.
    void this.prisma.rateWindow.deleteMany({ where: { expiresAt: { lte: new Date(now) } } }).catch(() => {});
  }
}

/**
 * Lockout counts on the PublicKey row (conditional updates, so racing instances count every
 * failure and exactly one of them locks), rate windows in `windows`. `changed` tells key caches
 * (here and in other processes) that the row moved, so the next request reads the count and lock.
 */
export class PrismaKeyLimits implements KeyLimitStore {
  constructor(
    private readonly prisma: Prisma,
    private readonly windows: RateWindowCounter,
    private readonly changed: (keyId: string) => void,
  ) {}

  countInWindow(scope: string, windowStart: Date, expiresAt: Date): Promise<number> {
    return this.windows.countInWindow(scope, windowStart, expiresAt);
  }

  async recordKeyFailure(keyId: string, threshold: number, lockUntil: Date, now: Date): Promise<{ failedAttempts: number; locked: boolean }> {
    // A lock that ran out: the count starts again.
    await this.prisma.publicKey.updateMany({ where: { id: keyId, lockedUntil: { lte: now } }, data: { lockedUntil: null, failedAttempts: 0 } });
    const counted = await this.prisma.publicKey.updateMany({ where: { id: keyId }, data: { failedAttempts: { increment: 1 } } });
    if (counted.count === 0) return { failedAttempts: 0, locked: false };
    const locking = await this.prisma.publicKey.updateMany({
      where: { id: keyId, lockedUntil: null, failedAttempts: { gte: threshold } },
      data: { lockedUntil: lockUntil },
    });
    const row = await this.prisma.publicKey.findUnique({ where: { id: keyId }, select: { failedAttempts: true } });
    this.changed(keyId);
    return { failedAttempts: row?.failedAttempts ?? 0, locked: locking.count === 1 };
  }

  async resetKeyFailures(keyId: string): Promise<void> {
    const reset = await this.prisma.publicKey.updateMany({ where: { id: keyId, failedAttempts: { gt: 0 } }, data: { failedAttempts: 0 } });
    if (reset.count === 1) this.changed(keyId);
  }
}
