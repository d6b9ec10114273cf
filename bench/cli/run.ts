// The CLI's start-to-exit time for sshd's AuthorizedKeysCommand: `authorized-keys USER` (its own
// small program, one driver query) against `keys list USER` (the whole program and the Prisma
// client), both from the built dist/, alternated round by round on the same database.
import { execFileSync, spawnSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { openPrismaStore } from "../../strategy/store/index.js";
import { ensureLibraryBuilt } from "../../test/support/build.js";
import { generateBenchKey } from "../lib/keys.js";
import { median } from "../lib/stats.js";
import { postgresAnswers } from "../scale/postgres-fill.js";
import pg from "pg";
import { commanderFloor, driverFloor, tokenFloor } from "./floors.js";
import type { CliSection, CliRow, CliStartRow } from "./types.js";

export interface CliConfig {
  quick: boolean;
  postgresUrl: string;
}

function elapsedMs(cli: string | null, args: string[], databaseUrl: string, expect = "ssh-ed25519"): number {
  const start = process.hrtime.bigint();
  const argv = cli === null ? args : [cli, ...args];
  const run = spawnSync(process.execPath, argv, {
    cwd: repoRoot,
    env: { ...process.env, DATABASE_URL: databaseUrl, CHECKPOINT_DISABLE: "1" },
    encoding: "utf8",
  });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (run.status !== 0 || !run.stdout.includes(expect)) throw new Error(`${args.join(" ")} failed: ${run.stderr}`);
  return ms;
}

const repoRoot = path.resolve(import.meta.dirname, "../..");

/**
 * Issue 19's measure: rounds alternate `node -e 0` and the command, so both see the same machine
 * load; the ratio is the median of the per-round ratios, with their range.
 */
function startRatio(row: Omit<CliStartRow, "rounds">, rounds: number, cli: string | null, args: string[], databaseUrl: string, expect: string): CliStartRow {
  const ratios: number[] = [];
  const nodeMs: number[] = [];
  const commandMs: number[] = [];
  elapsedMs(cli, args, databaseUrl, expect); // warm the page cache, as hyperfine -w would
  for (let i = 0; i < rounds; i++) {
    const node = elapsedMs(null, ["-e", "0"], databaseUrl, "");
    const command = elapsedMs(cli, args, databaseUrl, expect);
    nodeMs.push(node);
    commandMs.push(command);
    ratios.push(command / node);
  }
  return { ...row, rounds, ratio: median(ratios), min: Math.min(...ratios), max: Math.max(...ratios), commandMs: median(commandMs), nodeMs: median(nodeMs) };
}

function newKey(tmpDir: string): string {
  const key = path.join(tmpDir, `cli-bench-${crypto.randomBytes(3).toString("hex")}`);
  execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", key]);
  return key;
}

/** An Ed25519 private key as a PKCS#8 PEM file, what the token floor reads. */
function pkcs8Key(tmpDir: string): string {
  const file = path.join(tmpDir, `cli-floor-${crypto.randomBytes(3).toString("hex")}.pem`);
  fs.writeFileSync(file, generateBenchKey("ed25519").privatePem);
  return file;
}

async function seed(url: string, tmpDir: string): Promise<void> {
  const key = newKey(tmpDir);
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
  const starts: CliStartRow[] = [];
  const startRounds = config.quick ? 5 : 15;
  const jwtArgs = ["token", "jwt", "--key", newKey(ctx.tmpDir), "--user", "alice"];
  log(`cli: ${startRounds} paired rounds of node -e 0 and token jwt --key, commander alone, the token floor`);
  starts.push(
    startRatio({ id: "token-jwt", command: "token jwt --key FILE --user alice", db: "none" }, startRounds, cli, jwtArgs, "file:/nonexistent/none.db", "JWT "),
    startRatio(
      { id: "commander-floor", command: "(context) commander alone parsing the same arguments", db: "none" },
      startRounds,
      null,
      [...commanderFloor, ...jwtArgs],
      "file:/nonexistent/none.db",
      "JWT floor",
    ),
    startRatio(
      { id: "token-floor", command: "(floor) commander + read a PKCS#8 Ed25519 key + build and sign the JWT", db: "none" },
      startRounds,
      null,
      [...tokenFloor, "token", "jwt", "--key", pkcs8Key(ctx.tmpDir), "--user", "alice"],
      "file:/nonexistent/none.db",
      "JWT ",
    ),
  );
  for (const db of ["sqlite", "postgresql"] as const) {
    const why = db === "postgresql" ? await postgresAnswers(config.postgresUrl) : null;
    if (why) {
      rows.push({ db, rounds: 0, note: `skipped: PostgreSQL was not reachable (${why})` });
      for (const [id, command] of [
        ["users-list", "users list"],
        ["authorized-keys", "authorized-keys alice"],
      ] as const)
        starts.push({ id, command, db, rounds: 0, note: `skipped: PostgreSQL was not reachable (${why})` });
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
      log(`cli: ${db}, ${startRounds} paired rounds of node -e 0 and users list, authorized-keys, the driver floor`);
      starts.push(startRatio({ id: "users-list", command: "users list", db }, startRounds, cli, ["users", "list"], database.url, "alice"));
      starts.push(
        startRatio(
          { id: "authorized-keys", command: "authorized-keys alice", db },
          startRounds,
          cli,
          ["authorized-keys", "alice"],
          database.url,
          "ssh-ed25519",
        ),
        startRatio(
          { id: "driver-floor", command: "(floor) node + the driver + authorized-keys' one query", db },
          startRounds,
          null,
          [...driverFloor(db), "alice"],
          database.url,
          "ssh-ed25519",
        ),
      );
    } finally {
      await database.drop();
    }
  }
  return {
    rows,
    starts,
    notes: [
      "Each round runs both commands once, one after the other, as new processes from dist/ (node, no tsx); the ratio is keys list's start-to-exit time over authorized-keys', median of the rounds.",
    ],
  };
}
