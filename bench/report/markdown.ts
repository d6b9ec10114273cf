// bench/results/latest.md: targets first, then every table, then how it was measured.
import { formatMs, formatNumber, formatRatio } from "../lib/stats.js";
import { checkTargets, type TargetCheck } from "./targets.js";
import type { BenchResults } from "./types.js";

function table(head: string[], rows: string[][], align: ("l" | "r")[]): string {
  const sep = align.map((a) => (a === "r" ? "---:" : "---"));
  return [head, sep, ...rows].map((r) => `| ${r.join(" | ")} |`).join("\n");
}

const statusLabel: Record<TargetCheck["status"], string> = {
  met: "✅ met",
  bounded: "🟧 bounded",
  missed: "❌ missed",
  invalid: "⚠️ invalid",
  "not measured": "— not measured",
};

const mb = (v: number | undefined) => (v === undefined ? "–" : `${v.toFixed(0)} MB`);

/** `chart`: the file name of the SVG written beside the report. */
export function renderMarkdown(r: BenchResults, chart = "latest.svg"): string {
  const out: string[] = [];
  const env = r.environment;
  const busy = Math.max(...env.loadBefore.slice(0, 1), ...env.loadAfter.slice(0, 1)) > env.cpus;
  out.push(`# passport-sshkey benchmark results`);
  out.push("");
  out.push(
    `${r.quick ? "**BENCH_QUICK=1 smoke run** (short rounds, small sizes: numbers are indicative only)" : "Full run"} · ${r.startedAt.replace("T", " ").slice(0, 19)} UTC · ${r.durationSeconds.toFixed(0)} s · Node ${env.node} · ${env.cpus}× ${env.cpuModel} · ${env.pinned ? "server pinned to its own core, load generator on core 0 (taskset)" : "no CPU pinning (taskset unavailable or 1 core)"} · load average before/after: ${env.loadBefore.map((v) => v.toFixed(1)).join(" ")} / ${env.loadAfter.map((v) => v.toFixed(1)).join(" ")}`,
  );
  out.push("");
  out.push(
    "Everything below was measured side by side in this one run; every ratio is the median of per-round ratios (numerator and denominator measured in the same round), so it holds better than the absolute numbers, which drift between runs and machines.",
  );
  if (busy) {
    out.push("");
    out.push(
      `> **Warning:** the machine was busy (load average above the ${env.cpus} cores) — other processes competed with the benchmark, so absolute numbers are depressed and ratios are noisier than usual. Re-run on a quiet machine before quoting numbers.`,
    );
  }
  out.push("");
  out.push(`![ratios](${chart})`);
  out.push("");

  out.push("## Targets (issue 19; the p99 and revocation rows: issue 6)");
  out.push("");
  const checks = checkTargets(r);
  out.push(
    table(
      ["target", "measured", "goal", "status", "margin", "notes"],
      checks.map((c) => [
        c.name,
        c.measured === undefined ? "–" : c.name.startsWith("revocation") ? `${c.measured.toFixed(2)} s` : formatRatio(c.measured),
        `${c.kind === "min" ? "≥" : "≤"} ${c.goal}${c.name.startsWith("revocation") ? " s" : "×"}`,
        statusLabel[c.status],
        c.margin ?? "–",
        c.detail,
      ]),
      ["l", "r", "r", "l", "l", "l"],
    ),
  );
  out.push("");
  const count = (status: TargetCheck["status"]) => checks.filter((c) => c.status === status).length;
  out.push(
    `**${count("met")} met · ${count("bounded")} bounded · ${count("missed")} missed** (of ${checks.length}; ${count("invalid")} invalid, ${count("not measured")} not measured). *Bounded*: missed, and a floor doing only the unavoidable work, measured in this run, misses the goal too.`,
  );
  const misses = checks.filter((c) => c.why);
  if (misses.length) {
    out.push("");
    out.push("Why the misses, and what bounds them:");
    out.push("");
    for (const c of misses) out.push(`- **${c.name}** (${c.margin}): ${c.why}`);
  }
  out.push("");

  out.push("## In-process verification throughput");
  out.push("");
  out.push(
    "One process, one thread. *raw* is `node:crypto` on the same signatures (or MAC) the credentials carry, with a cached KeyObject — the physical limit. *floor* (the targeted cases) is the least any check of the same credentials must do, synchronously: decode, the same verify, the time check, a replay id hashed into a `Set` (bench/inprocess/floors.ts). *JWS verifier* is what the anchors' minimal verifier measures, with our algorithm policy: decode, policy, signature, claims — no store; *scheme.verify* is the scheme alone (decode, algorithm policy, key lookup, claims, replay guard); *authenticate* is `SshKeyStrategy.authenticate` driven as passport drives it (header parsing, scheme dispatch, event record, success hook). Store: in memory (bench/inprocess/memory-store.ts), replay protection on.",
  );
  out.push("");
  out.push(
    table(
      ["case", "raw baseline", "raw ops/s", "floor ÷ raw", "JWS verifier ÷ raw", "scheme.verify ops/s", "÷ raw", "authenticate ops/s", "÷ raw"],
      r.inprocess.map((row) =>
        row.available
          ? [
              row.label,
              row.raw,
              formatNumber(row.rawOps!),
              row.floorRatio === undefined ? "–" : formatRatio(row.floorRatio),
              row.jwsRatio === undefined ? "–" : formatRatio(row.jwsRatio),
              formatNumber(row.verifyOps!),
              formatRatio(row.verifyRatio!),
              formatNumber(row.authenticateOps!),
              formatRatio(row.authenticateRatio!),
            ]
          : [row.label, row.raw, "–", "–", "–", "–", "–", "–", row.note ?? "not available in this build"],
      ),
      ["l", "l", "r", "r", "r", "r", "r", "r", "r"],
    ),
  );
  out.push("");

  out.push("## HTTP end to end (loopback, autocannon)");
  out.push("");
  out.push(
    `Each server is its own child process; autocannon runs in the parent (${String(r.settings.connections)} connections, pipelining 1, ${String(r.settings.roundSeconds)} s per round after a warm-up, rounds interleaved across servers, each compared pair measured back to back). Every sshkey JWT/sshauth/SSHSIG/RFC 9421 request carries a fresh single-use credential signed before its round.`,
  );
  out.push("");
  out.push(
    table(
      ["server", "req/s", "÷ hello", "µs per request over hello", "p50", "p99", "requests", "failures"],
      r.http.rows.map((row) =>
        row.available
          ? [
              row.label,
              formatNumber(row.reqPerSec!),
              formatRatio(row.ratioVsHello!),
              row.extraUsVsHello === undefined ? "–" : row.extraUsVsHello.toFixed(0),
              formatMs(row.p50Ms!),
              formatMs(row.p99Ms!),
              formatNumber(row.requests!),
              row.failures ? `${row.failures} (${row.note ?? ""})` : "0",
            ]
          : [row.label, "–", "–", "–", "–", "–", "–", row.note ?? "not available in this build"],
      ),
      ["l", "r", "r", "r", "r", "r", "r", "r"],
    ),
  );
  out.push("");
  out.push(
    table(
      ["comparison", "ratio", "goal"],
      r.http.comparisons.map((c) => [c.label, c.ratio === undefined ? "–" : formatRatio(c.ratio), c.target === undefined ? "(context)" : `≥ ${c.target}×`]),
      ["l", "r", "r"],
    ),
  );
  for (const note of r.http.notes) out.push(`\n- ${note}`);
  out.push("");

  out.push("## Key-count scaling");
  out.push("");
  out.push(
    `The demo server on a database holding N keys (filler rows bulk-inserted with raw SQL, plus ${String(r.settings.realUsers)} real RSA users added through PrismaDirectory); JWT RS256 requests from ${r.scale.connections} connection(s), so the percentiles are service latency rather than queueing. Rounds interleaved across sizes.`,
  );
  out.push("");
  out.push(
    table(
      ["database", "keys", "users", "fill", "p50", "p99", "p99 ÷ smallest", "req/s", "peak RSS", "failures"],
      r.scale.rows.map((row) => [
        row.db,
        formatNumber(row.keys),
        formatNumber(row.users),
        `${row.fillSeconds.toFixed(1)} s`,
        formatMs(row.p50Ms!),
        formatMs(row.p99Ms!),
        formatRatio(row.p99Ratio!),
        formatNumber(row.reqPerSec!),
        mb(row.peakRssMb),
        String(row.failures ?? 0),
      ]),
      ["l", "r", "r", "r", "r", "r", "r", "r", "r", "r"],
    ),
  );
  for (const note of r.scale.notes) out.push(`\n- ${note}`);
  out.push("");

  out.push("## Revocation across instances");
  out.push("");
  out.push(
    table(
      ["deployment", "samples", "median", "max", "note"],
      r.revocation.rows.map((row) => [
        row.deployment,
        String(row.samples),
        row.medianMs === undefined ? "–" : `${row.medianMs.toFixed(0)} ms`,
        row.maxMs === undefined ? "–" : `${row.maxMs.toFixed(0)} ms`,
        row.note ?? "",
      ]),
      ["l", "r", "r", "r", "l"],
    ),
  );
  for (const note of r.revocation.notes) out.push(`\n- ${note}`);
  out.push("");

  out.push("## CLI start for sshd (`authorized-keys`)");
  out.push("");
  out.push(
    table(
      ["database", "rounds", "keys list ÷ authorized-keys (start to exit)", "note"],
      (r.cli?.rows ?? []).map((row) => [row.db, String(row.rounds), row.ratio === undefined ? "–" : formatRatio(row.ratio), row.note ?? ""]),
      ["l", "r", "r", "l"],
    ),
  );
  for (const note of r.cli?.notes ?? []) out.push(`\n- ${note}`);
  out.push("");
  out.push("## CLI processes over a bare `node -e 0` (issue 19)");
  out.push("");
  out.push(
    "Each round runs `node -e 0` and then the command as new processes from dist/, one after the other, so both see the same machine load; the ratio is the median of the per-round ratios, the range their minimum and maximum. One unmeasured run of the command comes first.",
  );
  out.push("");
  out.push(
    table(
      ["command", "database", "rounds", "command ÷ node -e 0 (median)", "range", "command / node (median ms)", "note"],
      (r.cli?.starts ?? []).map((row) => [
        `\`${row.command}\``,
        row.db,
        String(row.rounds),
        row.ratio === undefined ? "–" : formatRatio(row.ratio),
        row.min === undefined || row.max === undefined ? "–" : `${formatRatio(row.min)}–${formatRatio(row.max)}`,
        row.commandMs === undefined || row.nodeMs === undefined ? "–" : `${formatMs(row.commandMs)} / ${formatMs(row.nodeMs)}`,
        row.note ?? "",
      ]),
      ["l", "l", "r", "r", "r", "r", "l"],
    ),
  );
  out.push("");

  out.push("## Memory (server RSS)");
  out.push("");
  out.push("Sampled every 50 ms inside each server process (`process.memoryUsage.rss()`); *peak* is the maximum during the measured rounds.");
  out.push("");
  out.push(
    table(
      ["server", "RSS after start", "peak RSS under load"],
      [
        ...r.http.rows.filter((row) => row.available).map((row) => [row.label, mb(row.idleRssMb), mb(row.peakRssMb)]),
        ...r.scale.rows.map((row) => [`demo server, ${row.db}, ${formatNumber(row.keys)} keys (1 connection)`, "–", mb(row.peakRssMb)]),
      ],
      ["l", "r", "r"],
    ),
  );
  out.push("");

  out.push("## Method and caveats");
  out.push("");
  for (const note of r.notes) out.push(`- ${note}`);
  out.push("");
  return out.join("\n");
}
