// Key-count scaling: the demo server on SQLite (and PostgreSQL when it answers) holding
// 1k / 100k / 1M keys; latency of authenticated requests, rounds interleaved across sizes.
import fs from "node:fs";
import path from "node:path";
import type { BenchConfig } from "../config.js";
import { spawnChild, type ChildHandle } from "../lib/child.js";
import type { JwtSignPool } from "../lib/jwt-sign-pool.js";
import { onClientCpu } from "../lib/pin.js";
import { median } from "../lib/stats.js";
import { runLoad, type LoadResult } from "../http/load.js";
import type { ScaleRow, ScaleSection } from "../report/types.js";
import { fillPostgres, postgresAnswers } from "./postgres-fill.js";
import { addRealUsers, makeRealUsers, type RealUser } from "./real-users.js";
import { fillSqlite } from "./sqlite-fill.js";

interface SizeServer {
  keys: number;
  users: number;
  fillSeconds: number;
  child: ChildHandle;
  url: string;
  results: LoadResult[];
  drop: () => Promise<void>;
}

const SLACK = 16;

async function load(server: SizeServer, pool: JwtSignPool, users: readonly RealUser[], amount: number, connections: number): Promise<LoadResult> {
  const tokens = await pool.sign(
    users.map((u) => u.spec),
    amount + SLACK,
    Math.floor(Date.now() / 1000),
  );
  return onClientCpu(() => runLoad({ url: server.url, connections, amount, headers: (i) => ({ authorization: tokens[i % tokens.length]! }) }));
}

async function measureDatabase(
  db: "sqlite" | "postgresql",
  config: BenchConfig,
  ctx: { pool: JwtSignPool; tmpDir: string },
  users: readonly RealUser[],
  log: (line: string) => void,
): Promise<ScaleRow[]> {
  const { sizes, rounds, requestsPerRound, connections } = config.scale;
  const servers: SizeServer[] = [];
  try {
    for (const keys of sizes) {
      const t0 = performance.now();
      const filler = keys - users.length;
      let url: string;
      let fillerUsers: number;
      let drop = async () => {};
      if (db === "sqlite") {
        const file = path.join(ctx.tmpDir, `scale-${keys}.db`);
        ({ url, users: fillerUsers } = await fillSqlite(file, filler));
        drop = async () => {
          for (const suffix of ["", "-wal", "-shm"]) fs.rmSync(file + suffix, { force: true });
        };
      } else {
        const pg = await fillPostgres(config.postgresUrl, filler);
        ({ url, users: fillerUsers, drop } = pg);
      }
      await addRealUsers(url, users);
      const fillSeconds = (performance.now() - t0) / 1000;
      const child = spawnChild("bench/http/servers/sshkey.ts", [], { BENCH_DATABASE_URL: url });
      servers.push({ keys, users: fillerUsers + users.length, fillSeconds, child, url: "", results: [], drop });
      const { port } = await child.next<{ type: string; port: number }>("ready", 120_000);
      servers.at(-1)!.url = `http://127.0.0.1:${port}`;
      log(`  ${db} ${keys.toLocaleString("en-US")} keys: filled in ${fillSeconds.toFixed(1)} s`);
    }
    // Rounds are sized by count (tokens are single-use): up to requestsPerRound, fewer when
    // the warm-up rate says a round would take longer than roundSeconds (a busy machine).
    let amount = requestsPerRound;
    for (const s of servers) {
      const warm = await load(s, ctx.pool, users, Math.max(100, Math.round(requestsPerRound / 5)), connections);
      if (warm.failures > 0) throw new Error(`${db} ${s.keys}: warm-up failures ${JSON.stringify(warm.statusCounts)}`);
      amount = Math.min(amount, Math.max(300, Math.round(warm.reqPerSec * config.scale.roundSeconds)));
      s.child.send({ type: "rss-reset" });
    }
    for (let round = 0; round < rounds; round++) {
      for (let k = 0; k < servers.length; k++) {
        const s = servers[(k + round) % servers.length]!;
        s.results.push(await load(s, ctx.pool, users, amount, connections));
      }
      log(
        `  ${db} round ${round + 1}/${rounds}: ${servers.map((s) => `${s.keys}: p50 ${s.results[round]!.p50Ms.toFixed(2)} p99 ${s.results[round]!.p99Ms.toFixed(2)} ms`).join(", ")}`,
      );
    }
    const smallest = servers[0]!;
    const rows: ScaleRow[] = [];
    for (const s of servers) {
      const rss = await s.child.request<{ type: string; peakMb: number }>({ type: "rss-report" }, "rss", 10_000);
      const failures = s.results.reduce((sum, r) => sum + r.failures, 0);
      rows.push({
        db,
        keys: s.keys,
        users: s.users,
        fillSeconds: s.fillSeconds,
        p50Ms: median(s.results.map((r) => r.p50Ms)),
        p99Ms: median(s.results.map((r) => r.p99Ms)),
        reqPerSec: median(s.results.map((r) => r.reqPerSec)),
        p99Ratio: median(s.results.map((r, i) => r.p99Ms / smallest.results[i]!.p99Ms)),
        peakRssMb: rss.peakMb,
        failures,
        ...(failures ? { note: `${failures} non-2xx/errors` } : {}),
      });
    }
    return rows;
  } finally {
    for (const s of servers) {
      await s.child.stop();
      await s.drop().catch((error: unknown) => log(`  could not drop ${db} ${s.keys}: ${String(error)}`));
    }
  }
}

export async function runScale(config: BenchConfig, ctx: { pool: JwtSignPool; tmpDir: string }, log: (line: string) => void): Promise<ScaleSection> {
  const notes: string[] = [];
  const users = makeRealUsers(config.scale.realUsers);
  log(`scale: ${config.scale.sizes.map((n) => n.toLocaleString("en-US")).join(" / ")} keys, ${config.scale.connections} connection(s)`);
  const rows = await measureDatabase("sqlite", config, ctx, users, log);
  const unreachable = await postgresAnswers(config.postgresUrl);
  const shownUrl = config.postgresUrl.replace(/\/\/[^@/]*@/, "//…@");
  if (unreachable) {
    notes.push(`PostgreSQL skipped: ${shownUrl} did not answer (${unreachable}). Set BENCH_POSTGRES_URL to include it.`);
    log(`  ${notes.at(-1)}`);
  } else {
    try {
      rows.push(...(await measureDatabase("postgresql", config, ctx, users, log)));
      notes.push(`PostgreSQL: ${shownUrl}, a dedicated database per size, dropped afterwards.`);
    } catch (error) {
      notes.push(`PostgreSQL failed: ${error instanceof Error ? error.message : String(error)}`);
      log(`  ${notes.at(-1)}`);
    }
  }
  return { rows, notes, connections: config.scale.connections };
}
