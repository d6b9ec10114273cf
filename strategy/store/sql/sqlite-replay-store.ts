import type Database from "better-sqlite3";
import type { ReplayStore } from "../ports.js";
import { sqliteTime } from "./sqlite-time.js";

interface PendingConsume {
  scope: string;
  value: string;
  expiresAt: string;
  settle: (error: unknown, accepted?: boolean) => void;
}

/**
 * The replay guard on SQLite, on a better-sqlite3 connection of its own. Through Prisma
 * the same INSERT costs several times more (query compiler + adapter), and it is the one
 * database write on every JWT and sshauth request. The primary key makes
 * acceptance atomic across connections and processes (SQLite serialises writers).
 *
 * Group commit: every consume() made in one turn of the event loop (under load, all the
 * requests read in one poll phase) is inserted in one transaction at setImmediate. Each
 * statement still reports its own result, so a value sent twice in one batch is accepted
 * once. With time-ordered keys (schemes/replay-key.ts) a batch of eight costs about three
 * single inserts.
 */
export class SqliteReplayStore implements ReplayStore {
  private readonly insertBatch: Database.Transaction<(batch: readonly PendingConsume[]) => boolean[]>;
  private readonly remove: Database.Statement<[string]>;
  private pending: PendingConsume[] = [];
  private lastPrune = 0;

  constructor(
    db: Database.Database,
    private readonly now: () => number = Date.now,
  ) {
    const insert = db.prepare<[string, string, string]>(`INSERT INTO "ReplayNonce" ("scope", "value", "expiresAt") VALUES (?, ?, ?) ON CONFLICT DO NOTHING`);
    this.insertBatch = db.transaction((batch: readonly PendingConsume[]) => batch.map((p) => insert.run(p.scope, p.value, p.expiresAt).changes === 1));
    this.remove = db.prepare(`DELETE FROM "ReplayNonce" WHERE "expiresAt" < ?`);
  }

  consume(scope: string, value: string, expiresAt: Date): Promise<boolean> {
    return new Promise((resolve, reject) => {
      const settle = (error: unknown, accepted?: boolean) => (error ? reject(error) : resolve(accepted!));
      if (this.pending.push({ scope, value, expiresAt: sqliteTime(expiresAt), settle }) === 1) setImmediate(this.commit);
    });
  }

  private readonly commit = (): void => {
    const batch = this.pending;
    this.pending = [];
    let results: boolean[];
    try {
      // IMMEDIATE: take the write lock up front, so two processes never deadlock upgrading a read lock.
      results = this.insertBatch.immediate(batch);
    } catch (error) {
      for (const p of batch) p.settle(error);
      return;
    }
    batch.forEach((p, i) => p.settle(null, results[i]));
    const now = this.now();
    if (now - this.lastPrune >= 60_000) {
      this.lastPrune = now;
      try {
        this.prune();
      } catch {
        // Pruning is housekeeping; the next minute tries again.
      }
    }
  };

  /** Deletes values whose window has closed: a token that old is refused by its timestamp anyway. */
  prune(): number {
    return this.remove.run(sqliteTime(new Date(this.now()))).changes;
  }
}
