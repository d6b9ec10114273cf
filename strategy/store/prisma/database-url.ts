import fs from "node:fs";
import path from "node:path";

export type Provider = "sqlite" | "postgresql";

/** Where the embedded database lives when DATABASE_URL is not set (relative to the working directory). */
export const defaultDatabaseUrl = "file:./data/passport-sshkey.db";

export interface DatabaseLocation {
  provider: Provider;
  url: string;
  /** Absolute file path for SQLite. */
  file?: string;
}

/** Reads a DATABASE_URL (`file:…` / `sqlite:…` or `postgres(ql)://…`); throws TypeError for anything else. */
export function locateDatabase(url: string = process.env.DATABASE_URL || defaultDatabaseUrl): DatabaseLocation {
  if (/^postgres(ql)?:\/\//i.test(url)) return { provider: "postgresql", url };
  const sqlite = /^(?:file|sqlite):(.*)$/i.exec(url);
  if (sqlite) {
    const raw = sqlite[1]!.replace(/^\/\/(?=\/)/, "").split("?")[0]!;
    if (!raw) throw new TypeError(`DATABASE_URL ${JSON.stringify(url)} names no file`);
    const file = raw === ":memory:" ? raw : path.resolve(raw);
    return { provider: "sqlite", url: `file:${file}`, file };
  }
  throw new TypeError(`DATABASE_URL must start with file: or postgresql:// (got ${JSON.stringify(url.slice(0, 40))})`);
}

/** Creates the folder of a SQLite database file so the first start needs no setup. */
export function ensureDatabaseDirectory(location: DatabaseLocation): void {
  if (location.file && location.file !== ":memory:") fs.mkdirSync(path.dirname(location.file), { recursive: true });
}
