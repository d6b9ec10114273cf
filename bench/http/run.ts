// HTTP end to end: every server in its own pinned child, autocannon from this process on
// the other core, rounds interleaved across servers, medians of per-round ratios.
import type { BenchConfig } from "../config.js";
import type { JwtSignPool } from "../lib/jwt-sign-pool.js";
import { onClientCpu } from "../lib/pin.js";
import { median } from "../lib/stats.js";
import type { BenchResults, HttpComparison, HttpRow } from "../report/types.js";
import { measureImportRss, type ImportRss } from "./import-rss.js";
import { runLoad, type LoadResult } from "./load.js";
import { startTargets, type Target } from "./targets.js";

const SLACK = 64;

// Fastify's pairs (crtauth ÷ Fastify hello, JWT on Fastify ÷ on Express) close the cycle back to (b);
// the seed (m), compared with (b) at about ten times where drift matters least, sits between.
// Each floor sits beside the row it bounds: (p)/(p0) after (d), (o) after (g), (n) after (j).
const pairedOrder = [
  "passport-jwt-pem",
  "sshkey-jwt-rs256",
  "passport-jwt-keyobject",
  "floor-jwt-sqlite",
  "floor-jwt-memory",
  "hello",
  "sshkey-crtauth",
  "passport-floor",
  "floor-passport-crtauth",
  "django-seed",
  "fastify-sshkey-crtauth",
  "fastify-hello",
  "floor-fastify-crtauth",
  "fastify-sshkey-jwt-rs256",
];
const measureOrder = (id: string) => (pairedOrder.includes(id) ? pairedOrder.indexOf(id) : pairedOrder.length);

async function loadOnce(target: Target, amount: number, connections: number): Promise<LoadResult> {
  const headers = await target.prepare(amount + SLACK);
  return onClientCpu(() => runLoad({ url: target.url, connections, amount, headers }));
}

export async function runHttp(
  config: BenchConfig,
  ctx: { pool: JwtSignPool; tmpDir: string; crtauthSecret: string; schemes: readonly string[] },
  log: (line: string) => void,
): Promise<BenchResults["http"]> {
  const { rounds, roundSeconds, warmupSeconds, connections, maxTokensPerRound } = config.http;
  const { targets, notes } = await startTargets({ ...ctx, maxTokensPerRound, sshauthKeys: config.http.sshauthKeys }, log);
  try {
    // Runs are sized by request count; a short probe, then a warm-up of ~warmupSeconds,
    // gives the rate that sizes the rounds to ~roundSeconds each.
    const amounts = new Map<string, number>();
    const sized = (t: Target, rate: number, seconds: number) => Math.max(100, Math.min(t.maxAmount(), Math.round(rate * seconds)));
    for (const t of targets) {
      const probe = await loadOnce(t, 100, connections);
      const warm = await loadOnce(t, sized(t, probe.reqPerSec, warmupSeconds), connections);
      const failures = probe.failures + warm.failures;
      if (failures > 0) throw new Error(`${t.id}: warm-up had ${failures} failures ${JSON.stringify([probe.statusCounts, warm.statusCounts])}`);
      amounts.set(t.id, Math.round(warm.reqPerSec * roundSeconds));
      t.child.send({ type: "rss-reset" });
      log(`  warm-up ${t.id}: ${Math.round(warm.reqPerSec)} req/s → ~${amounts.get(t.id)} requests per round`);
    }
    const results = new Map<string, LoadResult[]>(targets.map((t) => [t.id, []]));
    // The machine's speed drifts over tens of seconds, so each compared pair is measured back to
    // back: in this cyclic order (rotated every round) every pair a target compares is adjacent.
    const sequence = [...targets].sort((a, b) => measureOrder(a.id) - measureOrder(b.id));
    for (let round = 0; round < rounds; round++) {
      for (let k = 0; k < sequence.length; k++) {
        const t = sequence[(k + round) % sequence.length]!;
        const r = await loadOnce(t, sized(t, amounts.get(t.id)!, 1), connections);
        results.get(t.id)!.push(r);
        // Re-size from the rates seen so far, so rounds stay near roundSeconds when the machine speeds up or slows down.
        amounts.set(t.id, Math.round(median(results.get(t.id)!.map((x) => x.reqPerSec)) * roundSeconds));
      }
      log(`  round ${round + 1}/${rounds}: ${targets.map((t) => `${t.id} ${Math.round(results.get(t.id)![round]!.reqPerSec)}`).join(", ")}`);
    }
    const perRound = (id: string) => results.get(id)?.map((r) => r.reqPerSec) ?? [];
    // Median over rounds of f(a's req/s, b's req/s), each pair from the same round.
    const paired = (a: string, b: string, f: (x: number, y: number) => number) => {
      const x = perRound(a);
      const y = perRound(b);
      return x.length && y.length ? median(x.map((v, i) => f(v, y[i]!))) : undefined;
    };
    const ratio = (a: string, b: string) => paired(a, b, (x, y) => x / y);
    const extraUs = (a: string) => paired(a, "hello", (x, y) => 1e6 / x - 1e6 / y);
    const rows: HttpRow[] = [];
    for (const t of targets) {
      const rs = results.get(t.id)!;
      const rss = await t.child.request<{ type: string; idleMb: number; peakMb: number }>({ type: "rss-report" }, "rss", 10_000);
      const failures = rs.reduce((s, r) => s + r.failures, 0);
      rows.push({
        id: t.id,
        label: t.label,
        available: true,
        reqPerSec: median(rs.map((r) => r.reqPerSec)),
        ratioVsHello: ratio(t.id, "hello"),
        extraUsVsHello: extraUs(t.id),
        p50Ms: median(rs.map((r) => r.p50Ms)),
        p99Ms: median(rs.map((r) => r.p99Ms)),
        idleRssMb: rss.idleMb,
        peakRssMb: rss.peakMb,
        requests: rs.reduce((s, r) => s + r.ok + r.failures, 0),
        failures,
        ...(failures ? { note: `${failures} non-2xx/errors: ${JSON.stringify(rs.map((r) => r.statusCounts))}`.slice(0, 200) } : {}),
      });
    }
    for (const [id, label] of [
      ["sshkey-crtauth", "(e) SshKeyStrategy crtauth token, SQLite"],
      ["sshkey-sshauth-ed25519", "(f) SshKeyStrategy sshauth Ed25519, replay on, SQLite"],
      ["sshkey-sshsig-ed25519", "(h) SshKeyStrategy SSHSIG Ed25519, replay on, SQLite"],
      ["sshkey-rfc9421-ed25519", "(i) SshKeyStrategy RFC 9421 Ed25519, replay on, SQLite"],
    ] as const) {
      if (!targets.some((t) => t.id === id)) rows.push({ id, label, available: false, note: "TODO: not available in this build" });
    }
    const comparisons: HttpComparison[] = [
      { id: "jwt-vs-passport-pem", label: "sshkey JWT RS256 / passport-jwt (PEM string)", ratio: ratio("sshkey-jwt-rs256", "passport-jwt-pem"), target: 1.2 },
      {
        id: "jwt-vs-passport-keyobject",
        label: "sshkey JWT RS256 / passport-jwt (KeyObject)",
        ratio: ratio("sshkey-jwt-rs256", "passport-jwt-keyobject"),
        target: 0.9,
      },
      { id: "crtauth-vs-hello", label: "sshkey crtauth token / no auth", ratio: ratio("sshkey-crtauth", "hello"), target: 0.9 },
      { id: "floor-vs-hello", label: "passport floor (g) / no auth: the most any passport strategy can reach", ratio: ratio("passport-floor", "hello") },
      { id: "crtauth-vs-floor", label: "sshkey crtauth token / passport floor (g)", ratio: ratio("sshkey-crtauth", "passport-floor") },
      { id: "jwt-vs-floor", label: "sshkey JWT RS256 / passport floor (g)", ratio: ratio("sshkey-jwt-rs256", "passport-floor") },
      { id: "sshsig-vs-jwt", label: "sshkey SSHSIG Ed25519 (h) / sshkey JWT RS256 (b)", ratio: ratio("sshkey-sshsig-ed25519", "sshkey-jwt-rs256") },
      {
        id: "jwt-vs-seed",
        label: "sshkey JWT RS256 (b) / asymmetric-jwt-auth on Django + gunicorn (m), same key and tokens",
        ratio: ratio("sshkey-jwt-rs256", "django-seed"),
        target: 10,
      },
      {
        id: "fastify-crtauth-vs-hello",
        label: "Fastify plugin crtauth token (l) / Fastify no auth (j)",
        ratio: ratio("fastify-sshkey-crtauth", "fastify-hello"),
        target: 0.9,
      },
      {
        id: "fastify-jwt-vs-express",
        label: "JWT RS256 on Fastify (k) / on Express (b)",
        ratio: ratio("fastify-sshkey-jwt-rs256", "sshkey-jwt-rs256"),
        target: 1.3,
      },
      {
        id: "floor-fastify-crtauth-vs-hello",
        label: "floor: Fastify + crtauth MAC alone (n) / Fastify no auth (j)",
        ratio: ratio("floor-fastify-crtauth", "fastify-hello"),
      },
      {
        id: "floor-passport-crtauth-vs-floor",
        label: "floor: passport + crtauth MAC alone (o) / passport floor (g)",
        ratio: ratio("floor-passport-crtauth", "passport-floor"),
      },
      {
        id: "floor-jwt-sqlite-vs-keyobject",
        label: "floor: passport + RS256 + SQLite replay INSERT (p) / passport-jwt KeyObject (d)",
        ratio: ratio("floor-jwt-sqlite", "passport-jwt-keyobject"),
      },
      {
        id: "floor-jwt-memory-vs-keyobject",
        label: "floor: passport + RS256 + replay id in a Set (p0) / passport-jwt KeyObject (d)",
        ratio: ratio("floor-jwt-memory", "passport-jwt-keyobject"),
      },
      {
        id: "rfc9421-vs-sshsig",
        label: "sshkey RFC 9421 Ed25519 (i) / sshkey SSHSIG Ed25519 (h)",
        ratio: ratio("sshkey-rfc9421-ed25519", "sshkey-sshsig-ed25519"),
      },
    ];
    // After the rounds, with the servers idle: memory is not timing, and the load is off the cores.
    const imports: ImportRss[] = [measureImportRss("zod", config.quick ? 3 : 5)];
    return { rows, comparisons, notes, imports };
  } finally {
    await Promise.all(targets.map((t) => t.child.stop()));
  }
}
