// Orchestrator side of the in-process phase: one pinned child runs every case.
import type { BenchConfig } from "../config.js";
import { spawnChild } from "../lib/child.js";
import type { InprocessRow } from "../report/types.js";

export async function runInprocess(config: BenchConfig, log: (line: string) => void): Promise<InprocessRow[]> {
  log("in-process: verification throughput against raw node:crypto");
  const child = spawnChild("bench/inprocess/main.ts", [JSON.stringify(config.inprocess)], {}, { pin: false });
  try {
    const { rows } = await child.next<{ type: string; rows: InprocessRow[] }>("result", 300_000);
    for (const row of rows) {
      log(
        row.available
          ? `  ${row.label.padEnd(30)} raw ${Math.round(row.rawOps!)}/s  verify ${row.verifyRatio!.toFixed(2)}×  authenticate ${row.authenticateRatio!.toFixed(2)}×${row.floorRatio === undefined ? "" : `  floor ${row.floorRatio.toFixed(2)}×`}`
          : `  ${row.label.padEnd(30)} ${row.note}`,
      );
    }
    return rows;
  } finally {
    await child.stop();
  }
}
