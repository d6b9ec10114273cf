// The CLI's start-to-exit time for sshd's AuthorizedKeysCommand: `authorized-keys USER` (its own
// small program, one driver query) against `keys list USER` (the whole program and the Prisma
// client), both from the built dist/, alternated round by round on the same database.
import { execFileSync, spawnSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { openPrismaStore } from "../../strategy/store/index.js";
import { ensureLibraryBuilt } from "../../test/support/build.js";
import { median } from "../lib/stats.js";
import { postgresAnswers } from "../scale/postgres-fill.js";
import pg from "pg";
import type { CliSection, CliRow } from "./types.js";

export interface CliConfig {
  quick: boolean;
  postgresUrl: string;
}

function elapsedMs(cli: string, args: string[], databaseUrl: string): number {
  const start = process.hrtime.bigint();
  const run = spawnSync(process.execPath, [cli, ...args], { env: { ...process.env, DATABASE_URL: databaseUrl, CHECKPOINT_DISABLE: "1" }, encoding: "utf8" });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (run.status !== 0 || !run.stdout.includes("ssh-ed25519")) throw new Error(`${args.join(" ")} failed: ${run.stderr}`);
  return ms;
}

async function seed(url: string, tmpDir: string): Promise<void> {
  const key = path.join(tmpDir, `cli-bench-${crypto.randomBytes(3).toString("hex")}`);
  execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", key]);
  const store = await openPrismaStore({ url });
  await store.directory.addUser("alice");
  await store.directory.addKey("alice", fs.readFileSync(`${key}.pub`, "utf8"));
  await store.close();
}

async function postgresDatabase(adminUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `pssk_bench_cli_${crypto.randomBytes(4).toString("hex")}`;
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: adminUrl });
    await client.connect();
    await client.query(sql);
    await client.end();
  };
  await admin(`CREATE DATABASE "${name}"`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`) };
}

export async function runCli(config: CliConfig, ctx: { tmpDir: string }, log: (line: string) => void): Promise<CliSection> {
  const rounds = config.quick ? 3 : 10;
  const cli = ensureLibraryBuilt();
  const rows: CliRow[] = [];
  for (const db of ["sqlite", "postgresql"] as const) {
    const why = db === "postgresql" ? await postgresAnswers(config.postgresUrl) : null;
    if (why) {
      rows.push({ db, rounds: 0, note: `skipped: PostgreSQL was not reachable (${why})` });
      continue;
    }
    const database =
      db === "sqlite" ? { url: `file:${path.join(ctx.tmpDir, "cli-bench.db")}`, drop: async () => {} } : await postgresDatabase(config.postgresUrl);
    try {
      await seed(database.url, ctx.tmpDir);
      log(`cli: ${db}, ${rounds} rounds of authorized-keys and keys list`);
      const ratios: number[] = [];
      for (let i = 0; i < rounds; i++) {
        const fast = elapsedMs(cli, ["authorized-keys", "alice"], database.url);
        const full = elapsedMs(cli, ["keys", "list", "alice"], database.url);
        ratios.push(full / fast);
      }
      rows.push({ db, rounds, ratio: median(ratios) });
    } finally {
      await database.drop();
    }
  }
  return {
    rows,
    notes: [
      "Each round runs both commands once, one after the other, as new processes from dist/ (node, no tsx); the ratio is keys list's start-to-exit time over authorized-keys', median of the rounds.",
    ],
  };
}
