// `npm run bench`: in-process, HTTP and scaling phases in one run, then the report
// (bench/results/latest.md + latest.svg, also printed). BENCH_QUICK=1 for a smoke run.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { benchPhases, loadConfig, type BenchPhase } from "./config.js";
import { runHttp } from "./http/run.js";
import { createTmpDir } from "./http/targets.js";
import { availableSchemes } from "./inprocess/cases.js";
import { runInprocess } from "./inprocess/run.js";
import { JwtSignPool } from "./lib/jwt-sign-pool.js";
import { pinning } from "./lib/pin.js";
import { renderMarkdown } from "./report/markdown.js";
import { renderSvg } from "./report/svg.js";
import type { BenchResults, InprocessRow, ScaleSection } from "./report/types.js";
import { runRevocation } from "./revocation/run.js";
import type { RevocationSection } from "./revocation/types.js";
import { runScale } from "./scale/run.js";
import { runCli } from "./cli/run.js";
import type { CliSection } from "./cli/types.js";

const started = Date.now();
const log = (line: string) => console.error(`[${((Date.now() - started) / 1000).toFixed(0).padStart(3)} s] ${line}`);

async function phase<T>(name: string, fallback: T, fn: () => Promise<T>, notes: string[]): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    log(`${name} failed: ${message}`);
    notes.push(`${name} phase failed: ${message.split("\n")[0]}`);
    return fallback;
  }
}

async function main(): Promise<void> {
  const config = loadConfig();
  const loadBefore = os.loadavg();
  const notes: string[] = [];
  const schemes = availableSchemes();
  log(`${config.quick ? "BENCH_QUICK smoke run" : "full run"}; schemes in this build: ${schemes.join(", ")}; pinning ${pinning.enabled ? "on" : "off"}`);
  const tmpDir = createTmpDir();
  const pool = new JwtSignPool();
  let inprocess: InprocessRow[] = [];
  let http: BenchResults["http"] = { rows: [], comparisons: [], notes: [] };
  let scale: ScaleSection = { rows: [], notes: [], connections: config.scale.connections };
  let revocation: RevocationSection = { rows: [], notes: [] };
  let cli: CliSection = { rows: [], notes: [] };
  try {
    const runs = (p: BenchPhase) => config.phases.includes(p);
    if (runs("inprocess")) inprocess = await phase("in-process", inprocess, () => runInprocess(config, log), notes);
    if (runs("http"))
      http = await phase("HTTP", http, () => runHttp(config, { pool, tmpDir, crtauthSecret: "bench-crtauth-secret-0123456789abcdef", schemes }, log), notes);
    if (runs("scale")) scale = await phase("scaling", scale, () => runScale(config, { pool, tmpDir }, log), notes);
    if (runs("revocation")) revocation = await phase("revocation", revocation, () => runRevocation(config, { tmpDir }, log), notes);
    if (runs("cli")) cli = await phase("CLI", cli, () => runCli(config, { tmpDir }, log), notes);
  } finally {
    await pool.close();
    fs.rmSync(tmpDir, { recursive: true, force: true });
  }

  notes.push(
    "Rounds: in-process " +
      `${config.inprocess.rounds} × ${config.inprocess.sampleMs} ms per column, HTTP ${config.http.rounds} × ~${config.http.roundSeconds} s per server, scaling ${config.scale.rounds} × ${config.scale.requestsPerRound} requests per size; medians throughout.`,
    "JWT tokens are single-use (replay protection on), so each HTTP round sends exactly as many requests as fresh tokens were signed for it (the count comes from the warm-up rate). They are signed on worker threads with node:crypto in exactly the layout of the project's client (`createJwtToken`; checked at start), because the client's libuv-pool signing is too slow to make tens of thousands per round. In-process pools are made with the client itself and replayed with the in-memory replay store cleared between passes.",
    "sshauth messages carry no nonce (replay id = key + signed message with a 1 s timestamp), so fresh sshauth tokens are spread over many keys and over the ±60 s skew window.",
    "SSHSIG requests carry a nonce each (replay protection on): every request is a fresh blob in ssh-keygen's exact layout, signed with node:crypto before its round (one ssh-keygen process per request cannot keep up).",
    "RFC 9421 requests carry a nonce each (replay protection on): every request is a fresh Signature-Input + Signature over @method and @target-uri, keyid the key's SHA256 fingerprint, signed with node:crypto before its round.",
    "crtauth tokens are minted by the bench (msgpack + HMAC-SHA256) with the server's secret: the public API exports neither the token minter nor the /_auth router. A crtauth token is a bearer token, so one token serves every request.",
    "passport-jwt has no replay protection, so its tokens are reusable; its verify callback does no database lookup. The sshkey routes pay one SQLite INSERT per request (the replay guard) plus the key lookup.",
    "Floors bound the targets from below the product: (n) Fastify and (o) passport with only the crtauth token's MAC and window check, (p) passport with only the RS256 JWT check and its replay id INSERTed into SQLite (WAL, synchronous NORMAL, a PRIMARY KEY), (p0) the same with the id in a Set; in-process, the least check of each targeted case's credentials; on the CLI, commander + one Ed25519 JWT signature (token-floor) and node + the driver + one query (driver-floor). Each floor refuses a tampered credential at start (or it fails the run). A missed target whose floor misses the goal too is marked bounded.",
    "autocannon's own latency histogram records whole milliseconds; percentiles here come from its per-response timings (µs precision). Its 1 s result tick is not counted in req/s (timing from start to last response).",
  );
  const results: BenchResults = {
    quick: config.quick,
    startedAt: new Date(started).toISOString(),
    durationSeconds: (Date.now() - started) / 1000,
    environment: {
      node: process.versions.node,
      cpus: os.availableParallelism(),
      cpuModel: os.cpus()[0]?.model.trim() ?? "unknown CPU",
      pinned: pinning.enabled,
      loadBefore,
      loadAfter: os.loadavg(),
    },
    settings: { ...config.http, realUsers: config.scale.realUsers },
    inprocess,
    http,
    scale,
    revocation,
    cli,
    notes,
  };
  const outDir = path.resolve(import.meta.dirname, "results");
  fs.mkdirSync(outDir, { recursive: true });
  // Only a run of every phase replaces the published results; a partial one (BENCH_PHASES) is for iterating.
  const name = config.phases.length === benchPhases.length ? "latest" : "partial";
  const markdown = renderMarkdown(results, `${name}.svg`);
  fs.writeFileSync(path.join(outDir, `${name}.md`), markdown);
  fs.writeFileSync(path.join(outDir, `${name}.svg`), renderSvg(results));
  fs.writeFileSync(path.join(outDir, `${name}.json`), `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(`${markdown}\n`);
  log(`wrote ${path.relative(process.cwd(), outDir)}/${name}.md, ${name}.svg, ${name}.json`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
