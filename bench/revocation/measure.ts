// One deployment: two demo-server instances on one fresh database (plus Redis when given);
// each sample revokes a key from a third process and times how long instance B keeps
// accepting it.
import { openPrismaStore, type PrismaDirectory } from "../../strategy/index.js";
import { spawnChild, type ChildHandle } from "../lib/child.js";
import { generateBenchKey, signerFor } from "../lib/keys.js";
import { median, sleep } from "../lib/stats.js";
import { createDatabase } from "./database.js";
import { accepted, describe, pollUntil, revoked, whoami, type Identity } from "./probe.js";
import type { RevocationRow } from "./types.js";

export interface Deployment {
  name: string;
  kind: "sqlite" | "postgresql";
  redisUrl?: string;
}

export interface MeasureOptions {
  samples: number;
  postgresUrl: string;
  tmpDir: string;
}

export const POLL_MS = 10;
export const SAMPLE_TIMEOUT_MS = 5000;
/** openPrismaStore's default change-poll interval, which the instances run with. */
const CHANGE_POLL_MS = 250;
const SETTLE_MS = CHANGE_POLL_MS + 150;
const USERNAME = "revocation";

async function startInstance(url: string, redisUrl: string, children: ChildHandle[]): Promise<string> {
  // Unpinned: real instances run on hosts of their own; two on one pinned core would queue
  // each other's change polls behind the probe's requests.
  const child = spawnChild("bench/http/servers/sshkey.ts", [], { BENCH_DATABASE_URL: url, REDIS_URL: redisUrl }, { pin: false });
  children.push(child);
  const { port } = await child.next<{ type: string; port: number }>("ready", 120_000);
  return `http://127.0.0.1:${port}`;
}

/** Adds a new key and waits until both instances hold it in their caches. */
async function freshKey(directory: PrismaDirectory, instances: readonly string[], index: number): Promise<{ who: Identity; fingerprint: string }> {
  const key = generateBenchKey("ed25519", `revocation-${index}`);
  const who = { username: USERNAME, signer: await signerFor(key) };
  const { fingerprintSha256 } = await directory.addKey(USERNAME, key.parsed.openssh);
  for (const url of instances) {
    const r = await pollUntil(url, who, accepted, { since: performance.now(), intervalMs: POLL_MS, timeoutMs: SAMPLE_TIMEOUT_MS });
    if (r.ms === null) throw new Error(`${url} did not accept a newly added key within ${SAMPLE_TIMEOUT_MS} ms (last answer ${describe(r.answer)})`);
  }
  // The first acceptance may precede the instance's notice of the key being added, which
  // empties its cache: revoking then would time a database read, not the propagation.
  // After one change-poll interval the notice is in, and this request re-fills the cache.
  await sleep(SETTLE_MS);
  for (const url of instances) {
    const a = await whoami(url, who);
    if (!accepted(a)) throw new Error(`${url} refused an active key (${describe(a)})`);
  }
  return { who, fingerprint: fingerprintSha256 };
}

export async function measureDeployment(d: Deployment, options: MeasureOptions, log: (line: string) => void): Promise<RevocationRow> {
  const db = await createDatabase(d.kind, options.postgresUrl, options.tmpDir);
  const children: ChildHandle[] = [];
  // "" rather than undefined: openPrismaStore falls back to REDIS_URL, which would quietly
  // turn the plain deployments into Redis ones.
  const redisUrl = d.redisUrl ?? "";
  // The revoking side only writes, so it needs no key cache (and no change polling).
  const admin = await openPrismaStore({ url: db.url, redisUrl, keyCache: { enabled: false } }).catch(async (error: unknown) => {
    await db.drop().catch(() => {});
    throw error;
  });
  try {
    await admin.directory.addUser(USERNAME);
    const [a, b] = await Promise.all([startInstance(db.url, redisUrl, children), startInstance(db.url, redisUrl, children)]);
    const times: number[] = [];
    const failures: string[] = [];
    for (let i = 0; i < options.samples; i++) {
      const { who, fingerprint } = await freshKey(admin.directory, [a, b], i);
      // Samples take a near-constant time, so without jitter every revocation would land at
      // the same phase of the instances' change poll and the SQLite numbers would be biased.
      await sleep(Math.random() * CHANGE_POLL_MS);
      await admin.directory.revokeKey(fingerprint, "revocation benchmark");
      // From the moment the revocation is committed, as its author sees it.
      const r = await pollUntil(b, who, revoked, { since: performance.now(), intervalMs: POLL_MS, timeoutMs: SAMPLE_TIMEOUT_MS });
      if (r.ms === null) failures.push(`still ${describe(r.answer)} after ${SAMPLE_TIMEOUT_MS} ms`);
      else times.push(Math.round(r.ms * 10) / 10);
      log(`  ${d.name} sample ${i + 1}/${options.samples}: ${r.ms === null ? `timed out (${describe(r.answer)})` : `${r.ms.toFixed(1)} ms`}`);
    }
    const row: RevocationRow = { deployment: d.name, samples: times.length };
    if (times.length > 0) Object.assign(row, { medianMs: median(times), maxMs: Math.max(...times) });
    if (failures.length > 0) row.note = `${failures.length} of ${options.samples} samples failed: ${[...new Set(failures)].join("; ")}`;
    return row;
  } finally {
    for (const child of children) await child.stop();
    await admin.close();
    await db.drop().catch((error: unknown) => log(`  could not drop the ${d.name} database: ${String(error)}`));
  }
}
