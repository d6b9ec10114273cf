// A fresh, migrated database per deployment: a SQLite file in the run's temp dir, or a
// dedicated PostgreSQL database (the scaling phase's, with no filler rows).
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { migrateDatabase } from "../../strategy/index.js";
import { fillPostgres } from "../scale/postgres-fill.js";

export interface RevocationDatabase {
  url: string;
  drop(): Promise<void>;
}

export async function createDatabase(kind: "sqlite" | "postgresql", postgresUrl: string, tmpDir: string): Promise<RevocationDatabase> {
  if (kind === "postgresql") return fillPostgres(postgresUrl, 0);
  const file = path.join(tmpDir, `revocation-${crypto.randomBytes(4).toString("hex")}.db`);
  const url = `file:${file}`;
  await migrateDatabase(url);
  return {
    url,
    drop: async () => {
      for (const suffix of ["", "-wal", "-shm"]) fs.rmSync(file + suffix, { force: true });
    },
  };
}
