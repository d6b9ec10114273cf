// Child process: in-process verification throughput, every case against its raw baseline.
// Prints nothing on success; the results go to the parent over IPC.
import { failChild, tellParent } from "../lib/child.js";
import { median } from "../lib/stats.js";
import type { InprocessRow } from "../report/types.js";
import { availableSchemes, caseSpecs, prepareCase } from "./cases.js";
import { opsPerSecondAsync, opsPerSecondSync } from "./harness.js";

interface Settings {
  rounds: number;
  sampleMs: number;
  warmupMs: number;
  rsaPool: number;
  pool: number;
}

async function main(): Promise<void> {
  const settings = JSON.parse(process.argv[2] ?? "{}") as Settings;
  const schemes = availableSchemes();
  const rows: InprocessRow[] = [];
  for (const spec of caseSpecs) {
    const base = { id: spec.id, label: spec.label, raw: spec.raw };
    if (!schemes.includes(spec.scheme)) {
      rows.push({ ...base, available: false, note: `TODO: scheme ${spec.scheme} not available in this build` });
      continue;
    }
    try {
      const c = await prepareCase(spec, schemes, settings);
      // Correctness first: every path must accept its credential.
      if (!c.raw()) throw new Error("raw baseline did not verify");
      if (c.floor && !c.floor()) throw new Error("floor did not verify");
      await c.verify();
      await c.authenticate();
      opsPerSecondSync(c.raw, settings.warmupMs);
      await opsPerSecondAsync(c.verify, settings.warmupMs);
      await opsPerSecondAsync(c.authenticate, settings.warmupMs);
      const jws = c.jws;
      if (jws) opsPerSecondSync(jws, settings.warmupMs);
      const floor = c.floor;
      if (floor) opsPerSecondSync(floor, settings.warmupMs);
      const raw: number[] = [];
      const jwsOps: number[] = [];
      const verify: number[] = [];
      const auth: number[] = [];
      const floorOps: number[] = [];
      for (let round = 0; round < settings.rounds; round++) {
        // Rotate the order so drift within a round does not favour one column.
        const steps = [
          async () => raw.push(opsPerSecondSync(c.raw, settings.sampleMs)),
          async () => verify.push(await opsPerSecondAsync(c.verify, settings.sampleMs)),
          async () => auth.push(await opsPerSecondAsync(c.authenticate, settings.sampleMs)),
          ...(jws ? [async () => jwsOps.push(opsPerSecondSync(jws, settings.sampleMs))] : []),
          ...(floor ? [async () => floorOps.push(opsPerSecondSync(floor, settings.sampleMs))] : []),
        ];
        for (let k = 0; k < steps.length; k++) await steps[(k + round) % steps.length]!();
      }
      rows.push({
        ...base,
        available: true,
        rawOps: median(raw),
        verifyOps: median(verify),
        authenticateOps: median(auth),
        verifyRatio: median(verify.map((v, i) => v / raw[i]!)),
        ...(jws ? { jwsOps: median(jwsOps), jwsRatio: median(jwsOps.map((v, i) => v / raw[i]!)) } : {}),
        authenticateRatio: median(auth.map((v, i) => v / raw[i]!)),
        ...(floor ? { floorOps: median(floorOps), floorRatio: median(floorOps.map((v, i) => v / raw[i]!)) } : {}),
      });
    } catch (error) {
      rows.push({ ...base, available: false, note: `error: ${error instanceof Error ? error.message : String(error)}`.slice(0, 300) });
    }
  }
  tellParent({ type: "result", rows });
  process.disconnect?.();
}

main().catch(failChild);
