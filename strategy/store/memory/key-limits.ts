import type { KeyLimitStore } from "../ports.js";
import type { MemoryTables } from "./tables.js";

/** Rate windows in a Map and lockout counts on the key rows: one process, so every write is atomic. */
export class MemoryKeyLimits implements KeyLimitStore {
  private readonly windows = new Map<string, { count: number; expiresAt: number }>();

  constructor(
    private readonly tables: MemoryTables,
    private readonly now: () => number,
  ) {}

  async countInWindow(scope: string, windowStart: Date, expiresAt: Date): Promise<number> {
    const id = `${scope}\u0000${windowStart.getTime()}`;
    const window = this.windows.get(id) ?? { count: 0, expiresAt: expiresAt.getTime() };
    window.count++;
    this.windows.set(id, window);
    if (this.windows.size % 1024 === 0) {
      const now = this.now();
      for (const [key, w] of this.windows) if (w.expiresAt <= now) this.windows.delete(key);
    }
    return window.count;
  }

  async recordKeyFailure(keyId: string, threshold: number, lockUntil: Date, now: Date): Promise<{ failedAttempts: number; locked: boolean }> {
    const row = this.tables.keys.get(keyId);
    if (!row) return { failedAttempts: 0, locked: false };
    if (row.lockedUntil !== null && row.lockedUntil <= now) {
      row.lockedUntil = null;
      row.failedAttempts = 0;
    }
    row.failedAttempts++;
    const locked = row.failedAttempts >= threshold && row.lockedUntil === null;
    if (locked) row.lockedUntil = lockUntil;
    return { failedAttempts: row.failedAttempts, locked };
  }

  async resetKeyFailures(keyId: string): Promise<void> {
    const row = this.tables.keys.get(keyId);
    if (row) row.failedAttempts = 0;
  }
}
