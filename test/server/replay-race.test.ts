// Replay races on every deployment: one `serve` on SQLite, two on one SQLite file, two on
// PostgreSQL, two on PostgreSQL + Redis. Each round fires 100 identical credentials at once,
// spread over the instances: a JWT, an sshauth token, an SSHSIG request signed by ssh-keygen,
// and a crtauth response. Exactly one is
// accepted and the other 99 are refused as `replayed`, every round; and the event log ends
// with exactly that many successes and replays (nothing lost, nothing doubled).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadKeyFileSigner } from "../../strategy/client/index.js";
import type { Signer } from "../../strategy/client/signer.js";
import { createRequest, createResponse } from "../../strategy/schemes/crtauth/client.js";
import { signSshauthToken } from "../../strategy/schemes/sshauth/sign.js";
import { openPrismaStore } from "../../strategy/store/prisma/store.js";
import { rawRequest, type RawRequest, type RawResponse } from "../hostile/support.js";
import { startServe } from "../support/cli.js";
import { createTestDatabase, databaseKinds, type DatabaseKind, type TestDatabase } from "../support/databases.js";
import { fixtureText } from "../support/forge-jwt.js";
import { freshKeyPair } from "../support/fresh-keys.js";
import { redisUp, redisUrl } from "../support/redis.js";
import { KeyDir } from "../support/ssh-keygen.js";
import { signedSshsig } from "../support/sshsig.js";
import { jwtFor, spkiPem } from "../support/tokens.js";

const copies = 100;
const rounds = 3;

const postgres = databaseKinds.includes("postgresql");
const deployments: Array<{ name: string; kind: DatabaseKind; processes: number; redis: boolean }> = [
  { name: "SQLite, one process", kind: "sqlite", processes: 1, redis: false },
  { name: "SQLite, two processes on one file", kind: "sqlite", processes: 2, redis: false },
  ...(postgres ? [{ name: "PostgreSQL, two processes", kind: "postgresql" as const, processes: 2, redis: false }] : []),
  ...(postgres && redisUp ? [{ name: "PostgreSQL + Redis, two processes", kind: "postgresql" as const, processes: 2, redis: true }] : []),
];

/** Fires `copies` requests at once, alternating over the instances, and tallies the answers. */
async function race(urls: string[], request: RawRequest, outcome: (r: RawResponse) => string): Promise<Record<string, number>> {
  const answers = await Promise.all(Array.from({ length: copies }, (_, i) => rawRequest(urls[i % urls.length]!, request)));
  const tally: Record<string, number> = {};
  for (const r of answers) tally[outcome(r)] = (tally[outcome(r)] ?? 0) + 1;
  return tally;
}

const httpOutcome = (r: RawResponse) => (r.status === 200 ? "accepted" : `${r.status} ${r.json?.error?.code ?? r.body.slice(0, 80)}`);
const chapOutcome = (r: RawResponse) =>
  r.status === 200 && (r.headers["x-chap"] ?? "").startsWith("token:") ? "accepted" : `${r.status} ${r.headers["x-sshkey-error"] ?? r.body.slice(0, 80)}`;

describe.each(deployments)("replay race on $name", ({ kind, processes, redis }) => {
  let db: TestDatabase;
  let instances: Array<Awaited<ReturnType<typeof startServe>>> = [];
  let urls: string[];
  const edKey = freshKeyPair("ed25519").privateKey;
  let ed: Signer;
  let rsa: Signer;
  const now = () => Math.floor(Date.now() / 1000);
  const keys = new KeyDir();

  beforeAll(async () => {
    db = await createTestDatabase(kind);
    const admin = await openPrismaStore({ url: db.url });
    await admin.directory.addUser("alice");
    await admin.directory.addKey("alice", spkiPem(edKey));
    await admin.directory.addKey("alice", fixtureText("ajwt/rsa2048.pub"));
    await admin.directory.addKey("alice", keys.sshKeygen("sshsig", "ed25519"));
    await admin.close();
    ed = await loadKeyFileSigner({ text: edKey.export({ type: "pkcs8", format: "pem" }) as string });
    rsa = await loadKeyFileSigner({ text: fixtureText("ajwt/rsa2048.pem") });
    const env = { DATABASE_URL: db.url, REDIS_URL: redis ? redisUrl : undefined, CRTAUTH_SECRET: "replay-race-secret" };
    instances = await Promise.all(Array.from({ length: processes }, () => startServe(env)));
    urls = instances.map((i) => i.url);
  }, 90_000);
  afterAll(async () => {
    await Promise.all(instances.map((i) => i.stop()));
    await db?.drop();
    keys.cleanup();
  });

  it(`accepts one of ${copies} identical JWTs and refuses the rest as replayed, ${rounds} rounds`, async () => {
    for (let round = 0; round < rounds; round++) {
      const token = jwtFor("alice", edKey, { time: now() });
      const tally = await race(urls, { path: "/whoami", headers: [["Authorization", token]] }, httpOutcome);
      expect({ round, tally }).toEqual({ round, tally: { accepted: 1, "401 replayed": copies - 1 } });
    }
  });

  it(`accepts one of ${copies} identical sshauth tokens and refuses the rest as replayed, ${rounds} rounds`, async () => {
    for (let round = 0; round < rounds; round++) {
      // A new second per round: the replay id covers the signed message, timestamp included.
      await new Promise((resolve) => setTimeout(resolve, 1000 - (Date.now() % 1000) + 10));
      const token = await signSshauthToken({ signer: ed, identity: "alice", includeFingerprint: true, timestamp: now() });
      const tally = await race(urls, { path: "/whoami", headers: [["Authorization", `Bearer ${token}`]] }, httpOutcome);
      expect({ round, tally }).toEqual({ round, tally: { accepted: 1, "401 replayed": copies - 1 } });
    }
  });

  it(`accepts one of ${copies} identical SSHSIG requests and refuses the rest as replayed, ${rounds} rounds`, async () => {
    // The instances sit behind one public name, so every copy carries the same signed Host.
    const host = "api.example.test";
    for (let round = 0; round < rounds; round++) {
      const authorization = signedSshsig(keys.path("sshsig"), { username: "alice", time: now(), host, target: "/whoami" });
      const tally = await race(urls, { path: "/whoami", host, headers: [["Authorization", authorization]] }, httpOutcome);
      expect({ round, tally }).toEqual({ round, tally: { accepted: 1, "401 replayed": copies - 1 } });
    }
  });

  it(`gives a token for one of ${copies} identical crtauth responses and refuses the rest as replayed, ${rounds} rounds`, async () => {
    for (let round = 0; round < rounds; round++) {
      const asked = await rawRequest(urls[round % urls.length]!, { path: "/_auth", headers: [["X-CHAP", `request:${createRequest("alice")}`]] });
      const challenge = (asked.headers["x-chap"] ?? "").slice("challenge:".length);
      const response = (await createResponse(challenge, rsa, { expectedServerName: "127.0.0.1" })).text;
      const tally = await race(urls, { method: "HEAD", path: "/_auth", headers: [["X-CHAP", `response:${response}`]] }, chapOutcome);
      expect({ round, tally }).toEqual({ round, tally: { accepted: 1, "403 replayed": copies - 1 } });
    }
  });

  it("logs exactly one success and 99 replays per JWT, sshauth and SSHSIG race, across the instances", async () => {
    const store = await openPrismaStore({ url: db.url });
    try {
      const count = () =>
        Promise.all([
          store.database.prisma.authEvent.count({ where: { scheme: { in: ["jwt", "sshauth", "sshsig"] }, outcome: "success" } }),
          store.database.prisma.authEvent.count({ where: { scheme: { in: ["jwt", "sshauth", "sshsig"] }, errorCode: "replayed" } }),
        ]);
      const expected = [3 * rounds, 3 * rounds * (copies - 1)];
      const deadline = Date.now() + 5000;
      let seen = await count();
      while (Date.now() < deadline && (seen[0] < expected[0]! || seen[1] < expected[1]!)) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        seen = await count();
      }
      expect(seen).toEqual(expected);
    } finally {
      await store.close();
    }
  });
});
