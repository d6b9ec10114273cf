// Revocation across instances: how long after a key is revoked (from a third process)
// another running instance still accepts it, per deployment (issue target: under 1 s).
import { postgresAnswers } from "../scale/postgres-fill.js";
import { measureDeployment, POLL_MS, SAMPLE_TIMEOUT_MS, type Deployment } from "./measure.js";
import { redisAnswers } from "./redis-answers.js";
import type { RevocationRow, RevocationSection } from "./types.js";

export interface RevocationConfig {
  quick: boolean;
  postgresUrl: string;
  redisUrl?: string;
}

/** Why a deployment cannot run (a row note), or null when its servers answer. */
async function unreachable(d: Deployment, postgresUrl: string): Promise<string | null> {
  if (d.kind === "postgresql") {
    const why = await postgresAnswers(postgresUrl);
    if (why) return `skipped: PostgreSQL at ${new URL(postgresUrl).host} was not reachable (${why})`;
  }
  if (d.redisUrl !== undefined) {
    if (!d.redisUrl) return "skipped: no Redis URL given";
    const why = await redisAnswers(d.redisUrl);
    if (why) return `skipped: Redis at ${new URL(d.redisUrl).host} was not reachable (${why})`;
  }
  return null;
}

export async function runRevocation(config: RevocationConfig, ctx: { tmpDir: string }, log: (line: string) => void): Promise<RevocationSection> {
  const samples = config.quick ? 3 : 10;
  const deployments: Deployment[] = [
    { name: "sqlite", kind: "sqlite" },
    { name: "postgresql", kind: "postgresql" },
    { name: "postgresql + redis", kind: "postgresql", redisUrl: config.redisUrl ?? "" },
  ];
  log(`revocation: ${samples} samples per deployment, two instances each, the second polled every ${POLL_MS} ms`);
  const rows: RevocationRow[] = [];
  for (const d of deployments) {
    const skip = await unreachable(d, config.postgresUrl);
    if (skip) {
      rows.push({ deployment: d.name, samples: 0, note: skip });
      log(`  ${d.name}: ${skip}`);
      continue;
    }
    try {
      rows.push(await measureDeployment(d, { samples, postgresUrl: config.postgresUrl, tmpDir: ctx.tmpDir }, log));
    } catch (error) {
      // One broken deployment should not cost the others their numbers.
      const message = error instanceof Error ? error.message : String(error);
      rows.push({ deployment: d.name, samples: 0, note: `failed: ${message.split("\n")[0]}` });
      log(`  ${d.name} failed: ${message}`);
    }
  }
  const notes = [
    `Revocation: per deployment a fresh database and two demo-server instances (bench/http/servers/sshkey.ts, default options: key cache on, change poll every 250 ms). Each sample adds a new Ed25519 key, waits until both instances have it cached, revokes it at a random point of their change-poll cycle through a third process's PrismaDirectory, and polls the second instance every ${POLL_MS} ms with fresh tokens until it answers 401 key_revoked. Time runs from the revocation's commit to that answer, so it over-states by up to one poll interval plus a round trip. A sample still accepted after ${SAMPLE_TIMEOUT_MS / 1000} s counts as failed.`,
  ];
  return { rows, notes };
}
