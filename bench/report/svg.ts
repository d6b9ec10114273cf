// A hand-written SVG bar chart of the run's ratios (no chart library).
import type { BenchResults } from "./types.js";

interface Bar {
  label: string;
  value: number;
  color: string;
}

interface Section {
  title: string;
  bars: Bar[];
  /** Target lines drawn across the section. */
  marks: { value: number; label: string }[];
  /** Suffix of the value labels (default "×"). */
  unit?: string;
}

const escape = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

const colors = { ours: "#2f6fba", ours2: "#8fb3e0", peer: "#9a9a9a", base: "#5c5c5c", scale: "#3c9a5f", scale2: "#a7d5b5" };

function sections(r: BenchResults): Section[] {
  const out: Section[] = [];
  const inproc: Bar[] = [];
  for (const row of r.inprocess.filter((x) => x.available)) {
    inproc.push({ label: `${row.label} · authenticate`, value: row.authenticateRatio!, color: colors.ours });
    inproc.push({ label: `${row.label} · scheme.verify`, value: row.verifyRatio!, color: colors.ours2 });
    if (row.jwsRatio !== undefined) inproc.push({ label: `${row.label} · JWS verifier alone`, value: row.jwsRatio, color: colors.peer });
    if (row.floorRatio !== undefined) inproc.push({ label: `${row.label} · floor (required work only)`, value: row.floorRatio, color: colors.base });
  }
  if (inproc.length)
    out.push({
      title: "In-process: ops/s ÷ raw crypto.verify of the same signature",
      bars: inproc,
      marks: [
        { value: 0.8, label: "target 0.8×" },
        { value: 1, label: "raw" },
      ],
    });
  const http = r.http.rows
    .filter((x) => x.available && x.ratioVsHello !== undefined)
    .map((x) => ({
      label: x.label,
      value: x.ratioVsHello!,
      color: x.id.startsWith("sshkey") ? colors.ours : x.id === "hello" || x.id === "passport-floor" || x.id.startsWith("floor-") ? colors.base : colors.peer,
    }));
  if (http.length) out.push({ title: "HTTP: req/s ÷ Express hello (same round)", bars: http, marks: [{ value: 1, label: "no auth" }] });
  const cmp = r.http.comparisons
    .filter((c) => c.ratio !== undefined && c.target !== undefined)
    .map((c) => ({ label: `${c.label} (goal ≥ ${c.target}×)`, value: c.ratio!, color: colors.ours }));
  if (cmp.length)
    out.push({
      title: "HTTP targets: req/s ratios",
      bars: cmp,
      marks: [
        { value: 0.9, label: "0.9×" },
        { value: 1.2, label: "1.2×" },
      ],
    });
  const scale = r.scale.rows
    .filter((x) => x.p99Ratio !== undefined)
    .map((x) => ({
      label: `${x.db} ${x.keys.toLocaleString("en-US")} keys · p99 ÷ p99 at ${r.scale.rows.find((y) => y.db === x.db)!.keys.toLocaleString("en-US")}`,
      value: x.p99Ratio!,
      color: x.db === "sqlite" ? colors.scale : colors.scale2,
    }));
  if (scale.length) out.push({ title: "Key-count scaling: p99 latency ratio (lower is better)", bars: scale, marks: [{ value: 1.5, label: "max 1.5×" }] });
  const revocation = r.revocation.rows
    .filter((x) => x.maxMs !== undefined)
    .map((x) => ({ label: `${x.deployment} · slowest of ${x.samples} (median ${x.medianMs!.toFixed(0)} ms)`, value: x.maxMs! / 1000, color: colors.scale }));
  if (revocation.length)
    out.push({
      title: "Revocation refused by another instance, seconds (lower is better)",
      bars: revocation,
      marks: [{ value: 1, label: "max 1 s" }],
      unit: " s",
    });
  return out;
}

export function renderSvg(r: BenchResults): string {
  const width = 980;
  const labelWidth = 430;
  const barArea = width - labelWidth - 90;
  const rowHeight = 20;
  const parts: string[] = [];
  let y = 46;
  for (const section of sections(r)) {
    const max = Math.max(...section.bars.map((b) => b.value), ...section.marks.map((m) => m.value)) * 1.08;
    const x = (v: number) => labelWidth + (v / max) * barArea;
    parts.push(`<text x="12" y="${y}" class="h">${escape(section.title)}</text>`);
    y += 10;
    const top = y;
    for (const bar of section.bars) {
      const w = Math.max(1, x(bar.value) - labelWidth);
      parts.push(`<text x="${labelWidth - 8}" y="${y + 14}" class="l">${escape(bar.label)}</text>`);
      parts.push(`<rect x="${labelWidth}" y="${y + 3}" width="${w.toFixed(1)}" height="${rowHeight - 6}" fill="${bar.color}"/>`);
      parts.push(`<text x="${(labelWidth + w + 6).toFixed(1)}" y="${y + 14}" class="v">${bar.value.toFixed(2)}${section.unit ?? "×"}</text>`);
      y += rowHeight;
    }
    for (const mark of section.marks) {
      const mx = x(mark.value).toFixed(1);
      parts.push(`<line x1="${mx}" y1="${top}" x2="${mx}" y2="${y + 2}" class="m"/>`);
      parts.push(`<text x="${mx}" y="${y + 14}" class="mt">${escape(mark.label)}</text>`);
    }
    y += 34;
  }
  const title = `passport-sshkey benchmark — ${r.quick ? "BENCH_QUICK smoke run" : "full run"}, ${r.startedAt.slice(0, 16).replace("T", " ")} UTC, medians of ${String(r.settings.rounds ?? "")} rounds`;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${y}" viewBox="0 0 ${width} ${y}" font-family="Helvetica, Arial, sans-serif">`,
    `<style>.h{font-size:14px;font-weight:bold;fill:#222}.l{font-size:11px;fill:#333;text-anchor:end}.v{font-size:11px;fill:#222}.m{stroke:#c0392b;stroke-width:1;stroke-dasharray:4 3}.mt{font-size:10px;fill:#c0392b;text-anchor:middle}.t{font-size:15px;font-weight:bold;fill:#111}</style>`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="12" y="22" class="t">${escape(title)}</text>`,
    ...parts,
    `</svg>`,
    "",
  ].join("\n");
}
