// What one package costs a server's resident memory just by being imported: a fresh child (run as
// the servers run, under tsx) reads its RSS after importing the package, against one that imports
// nothing, alternated round by round. Zod is the validation library the options and the console's
// contract are written in, loaded at start by every server built on the strategy.
import { spawnSync } from "node:child_process";
import path from "node:path";
import { median } from "../lib/stats.js";

const repoRoot = path.resolve(import.meta.dirname, "../..");

function rssAfterImport(specifier: string | null): number {
  const script = `${specifier === null ? "" : `await import(${JSON.stringify(specifier)});`} process.stdout.write(String(process.memoryUsage.rss()));`;
  const run = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { cwd: repoRoot, encoding: "utf8" });
  const bytes = Number(run.stdout);
  if (run.status !== 0 || !Number.isFinite(bytes)) throw new Error(`import ${specifier ?? "(nothing)"} failed: ${run.stderr}`);
  return bytes / (1024 * 1024);
}

export interface ImportRss {
  specifier: string;
  /** Median over rounds of (RSS after importing it − RSS after importing nothing). */
  mb: number;
  rounds: number;
}

export function measureImportRss(specifier: string, rounds: number): ImportRss {
  const extra: number[] = [];
  for (let i = 0; i < rounds; i++) extra.push(rssAfterImport(specifier) - rssAfterImport(null));
  return { specifier, mb: median(extra), rounds };
}
