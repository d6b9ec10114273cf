/** Everything a run measured; the report and the chart are rendered from this. */
import type { CliSection } from "../cli/types.js";
import type { ImportRss } from "../http/import-rss.js";
import type { RevocationSection } from "../revocation/types.js";

export interface InprocessRow {
  id: string;
  label: string;
  raw: string;
  available: boolean;
  note?: string;
  rawOps?: number;
  /** JWT only: the JWS verifier alone (decode, policy, signature, claims). */
  jwsOps?: number;
  jwsRatio?: number;
  verifyOps?: number;
  authenticateOps?: number;
  /** Medians of the per-round ratios (same round, same process). */
  verifyRatio?: number;
  authenticateRatio?: number;
  /** The targeted cases: the least work a check must do (bench/inprocess/floors.ts), and floor ÷ raw. */
  floorOps?: number;
  floorRatio?: number;
}

export interface HttpRow {
  id: string;
  label: string;
  available: boolean;
  note?: string;
  reqPerSec?: number;
  /** Median of per-round req/s ratios against the hello server in the same round. */
  ratioVsHello?: number | undefined;
  /** Median of per-round (1/req/s − 1/hello req/s): what this server adds to each request, in µs of its core. */
  extraUsVsHello?: number | undefined;
  p50Ms?: number;
  p99Ms?: number;
  idleRssMb?: number;
  peakRssMb?: number;
  requests?: number;
  failures?: number;
}

export interface HttpComparison {
  id: string;
  label: string;
  /** Median of per-round ratios a/b. */
  ratio?: number | undefined;
  /** Issue 6 goal (a ≥ target × b); absent for comparisons shown for context. */
  target?: number;
}

export interface ScaleRow {
  db: "sqlite" | "postgresql";
  keys: number;
  users: number;
  fillSeconds: number;
  p50Ms?: number;
  p99Ms?: number;
  reqPerSec?: number;
  /** Median of per-round p99 ratios against the smallest size of the same database. */
  p99Ratio?: number;
  peakRssMb?: number;
  failures?: number;
  note?: string;
}

export interface ScaleSection {
  rows: ScaleRow[];
  notes: string[];
  connections: number;
}

export interface BenchResults {
  quick: boolean;
  startedAt: string;
  durationSeconds: number;
  environment: { node: string; cpus: number; cpuModel: string; pinned: boolean; loadBefore: number[]; loadAfter: number[] };
  settings: Record<string, unknown>;
  inprocess: InprocessRow[];
  /** `imports`: what importing a package alone adds to a fresh server process's RSS (absent in older results). */
  http: { rows: HttpRow[]; comparisons: HttpComparison[]; notes: string[]; imports?: ImportRss[] | undefined };
  scale: ScaleSection;
  revocation: RevocationSection;
  /** Absent in results written before the CLI phase existed. */
  cli?: CliSection | undefined;
  notes: string[];
}
