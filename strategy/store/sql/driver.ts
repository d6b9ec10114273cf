// One small query interface over the hot path's driver connections, so each port below is
// written once for both databases: `?` placeholders (numbered for PostgreSQL), timestamps
// read and written in the form each database stores them in.
import type Database from "better-sqlite3";
import type pg from "pg";
import { sqliteTime } from "./sqlite-time.js";

export interface SqlDriver {
  /** The rows a SELECT (or a statement with RETURNING) answers. */
  rows<T>(sql: string, params: readonly unknown[]): Promise<T[]>;
  /** The number of rows an INSERT, UPDATE or DELETE changed. */
  changes(sql: string, params: readonly unknown[]): Promise<number>;
  /** A select expression reading a timestamp column as an instant (see `instant`). */
  time(column: string): string;
  /** A Date as a statement parameter, in the column's stored form. */
  at(date: Date): string;
}

export function sqliteDriver(db: Database.Database): SqlDriver {
  // Prepared once per statement text: preparing costs more than running an indexed lookup.
  const prepared = new Map<string, Database.Statement<unknown[]>>();
  const statement = (sql: string) => {
    let s = prepared.get(sql);
    if (!s) prepared.set(sql, (s = db.prepare<unknown[]>(sql)));
    return s;
  };
  return {
    rows: async <T>(sql: string, params: readonly unknown[]) => statement(sql).all(...params) as T[],
    changes: async (sql, params) => statement(sql).run(...params).changes,
    time: (column) => column,
    at: sqliteTime,
  };
}

export function postgresDriver(pool: pg.Pool): SqlDriver {
  const numbered = new Map<string, string>();
  const text = (sql: string) => {
    let t = numbered.get(sql);
    if (t === undefined) {
      let n = 0;
      numbered.set(sql, (t = sql.replace(/\?/g, () => `$${++n}`)));
    }
    return t;
  };
  return {
    rows: async <T>(sql: string, params: readonly unknown[]) => (await pool.query(text(sql), params as unknown[])).rows as T[],
    changes: async (sql, params) => (await pool.query(text(sql), params as unknown[])).rowCount ?? 0,
    // The columns hold UTC without a zone (as Prisma writes them), which pg would read as local time.
    time: (column) => `(${column} AT TIME ZONE 'UTC')`,
    at: (date) => date.toISOString(),
  };
}

/**
 * A timestamp as read through `time`: a Date from pg; ISO text from SQLite (Prisma's form), or
 * SQLite's own `YYYY-MM-DD HH:MM:SS` (UTC) and epoch milliseconds, which other writers use.
 */
export function instant(value: Date | string | number | null): Date | null {
  if (value === null || value instanceof Date) return value;
  if (typeof value === "number") return new Date(value);
  if (/^\d{4}-\d\d-\d\d \d\d:\d\d(:\d\d(\.\d+)?)?$/.test(value)) return new Date(`${value.replace(" ", "T")}Z`);
  return new Date(value);
}
