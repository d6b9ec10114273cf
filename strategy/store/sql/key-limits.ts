// Lockout counts and rate windows on the hot path's driver connection: a failed sign-in writes
// here, and through Prisma the first one loaded its client.
import type { KeyLimitStore } from "../ports.js";
import type { SqlDriver } from "./driver.js";

/** Where fixed-window counts are kept: the database's RateWindow table, or Redis when the store has one. */
export interface RateWindowCounter {
  countInWindow(scope: string, windowStart: Date, expiresAt: Date): Promise<number>;
}

/** Expired windows are deleted at most this often, by whichever request comes first. */
const pruneEveryMs = 60_000;

/** RateWindow rows: one upsert that increments and answers the count, atomic on both databases. */
export class SqlRateWindows implements RateWindowCounter {
  private lastPrunedMs = 0;

  constructor(
    private readonly db: SqlDriver,
    private readonly now: () => number,
  ) {}

  async countInWindow(scope: string, windowStart: Date, expiresAt: Date): Promise<number> {
    this.prune();
    const [row] = await this.db.rows<{ count: number }>(
      `INSERT INTO "RateWindow" ("scope", "windowStart", "count", "expiresAt") VALUES (?, ?, 1, ?)
       ON CONFLICT ("scope", "windowStart") DO UPDATE SET "count" = "RateWindow"."count" + 1 RETURNING "count"`,
      [scope, this.db.at(windowStart), this.db.at(expiresAt)],
    );
    return Number(row!.count);
  }

  private prune(): void {
    const now = this.now();
    if (now - this.lastPrunedMs < pruneEveryMs) return;
    this.lastPrunedMs = now;
    // Not awaited: cleaning up is not worth a request's latency or its failure.
    void this.db.changes(`DELETE FROM "RateWindow" WHERE "expiresAt" <= ?`, [this.db.at(new Date(now))]).catch(() => {});
  }
}

/**
 * Lockout counts on the PublicKey row (conditional updates, so racing instances count every
 * failure and exactly one of them locks), rate windows in `windows`. `changed` tells key caches
 * (here and in other processes) that the row moved, so the next request reads the count and lock.
 */
export class SqlKeyLimits implements KeyLimitStore {
  constructor(
    private readonly db: SqlDriver,
    private readonly windows: RateWindowCounter,
    private readonly changed: (keyId: string) => void,
  ) {}

  countInWindow(scope: string, windowStart: Date, expiresAt: Date): Promise<number> {
    return this.windows.countInWindow(scope, windowStart, expiresAt);
  }

  async recordKeyFailure(keyId: string, threshold: number, lockUntil: Date, now: Date): Promise<{ failedAttempts: number; locked: boolean }> {
    const db = this.db;
    // A lock that ran out: the count starts again.
    await db.changes(`UPDATE "PublicKey" SET "lockedUntil" = NULL, "failedAttempts" = 0 WHERE "id" = ? AND "lockedUntil" <= ?`, [keyId, db.at(now)]);
    const counted = await db.changes(`UPDATE "PublicKey" SET "failedAttempts" = "failedAttempts" + 1 WHERE "id" = ?`, [keyId]);
    if (counted === 0) return { failedAttempts: 0, locked: false };
    const locking = await db.changes(`UPDATE "PublicKey" SET "lockedUntil" = ? WHERE "id" = ? AND "lockedUntil" IS NULL AND "failedAttempts" >= ?`, [
      db.at(lockUntil),
      keyId,
      threshold,
    ]);
    const [row] = await db.rows<{ failedAttempts: number }>(`SELECT "failedAttempts" FROM "PublicKey" WHERE "id" = ?`, [keyId]);
    this.changed(keyId);
    return { failedAttempts: row?.failedAttempts ?? 0, locked: locking === 1 };
  }

  async resetKeyFailures(keyId: string): Promise<void> {
    const reset = await this.db.changes(`UPDATE "PublicKey" SET "failedAttempts" = 0 WHERE "id" = ? AND "failedAttempts" > 0`, [keyId]);
    if (reset === 1) this.changed(keyId);
  }
}
