// `serve` on PostgreSQL (and Redis) through a TCP proxy the test stalls (a partition with sockets left
// open): requests finish within a bound with 503, never hang; liveness stays ok, readiness
// says not ready; a user disabled meanwhile is not accepted from the stale cache; after the
// stall all works again; SIGTERM during a stall still exits within its deadline.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { crtauthLogin } from "../../strategy/client/crtauth.js";
import { loadKeyFileSigner } from "../../strategy/client/key-file-signer.js";
import { openPrismaStore, type PrismaStore } from "../../strategy/store/prisma/store.js";
import { startServe } from "../support/cli.js";
import { createTestDatabase, databaseKinds, type TestDatabase } from "../support/databases.js";
import { seedUser } from "../support/seed.js";
import { fixtureKeyPair } from "../support/fixture-keys.js";
import { freshKeyPair } from "../support/fresh-keys.js";
import { getJson } from "../support/server.js";
import { startStallProxy, type StallProxy } from "../support/stall-proxy.js";
import { redisUp, redisUrl } from "../support/redis.js";
import { jwtFor, spkiPem } from "../support/tokens.js";

async function timed<T>(work: () => Promise<T>): Promise<{ start: number; ms: number; result: T }> {
  const start = performance.now();
  const result = await work();
  return { start, ms: performance.now() - start, result };
}

describe.runIf(databaseKinds.includes("postgresql"))("serve on PostgreSQL through a stalled network", () => {
  let db: TestDatabase;
  let admin: PrismaStore;
  let proxy: StallProxy;
  let serve: Awaited<ReturnType<typeof startServe>>;
  const rsa = fixtureKeyPair("rsa2048-a");
  const ed = freshKeyPair("ed25519").privateKey;
  const now = () => Date.now() / 1000;
  beforeAll(async () => {
    db = await createTestDatabase("postgresql");
    admin = await openPrismaStore({ url: db.url });
    await admin.directory.addUser("alice");
    await admin.directory.addKey("alice", spkiPem(rsa.publicKey));
    await admin.directory.addUser("bob");
    await admin.directory.addKey("bob", spkiPem(ed));
    const real = new URL(db.url);
    proxy = await startStallProxy({ host: real.hostname, port: Number(real.port || 5432) });
    const viaProxy = new URL(db.url);
    viaProxy.port = String(proxy.port);
    serve = await startServe({ DATABASE_URL: viaProxy.toString(), CRTAUTH_SECRET: "postgres-stall-test", REDIS_URL: undefined, SHUTDOWN_TIMEOUT_MS: "6000" });
  });
  afterAll(async () => {
    proxy?.resume();
    if (serve?.child.exitCode === null) await serve.stop();
    await proxy?.close();
    await admin?.close();
    await db?.drop();
  });

  it("fails closed within a bound while stalled, and recovers after", async () => {
    const signer = await loadKeyFileSigner({ text: rsa.privateKey.export({ type: "pkcs8", format: "pem" }) as string });
    const token = await crtauthLogin(serve.url, { username: "alice", signer });
    const chap = () => getJson(`${serve.url}/whoami`, { authorization: `chap:${token}` });
    expect((await chap()).status).toBe(200);
    expect((await getJson(`${serve.url}/readyz`)).status).toBe(200);

    proxy.stall();
    const stalledAt = performance.now();
    // Disabled directly in the database: the partitioned instance cannot hear of it.
    await admin.directory.setUserFlags("alice", { disabled: true });

    let lastAccepted = 0;
    let unavailable = 0;
    while (performance.now() - stalledAt < 6000) {
      const [token, jwt, health] = await Promise.all([
        timed(chap),
        timed(() => getJson(`${serve.url}/whoami`, { authorization: jwtFor("bob", ed, { time: now() }) })),
        timed(() => getJson(`${serve.url}/healthz`)),
      ]);
      for (const r of [token, jwt]) {
        // Bounded: pool connect 2 s / statement 2.5 s at most, never the length of the stall.
        expect(r.ms).toBeLessThan(3500);
        expect([200, 503]).toContain(r.result.status);
        if (r.result.status === 503) {
          unavailable++;
          expect(r.result.body.error.code).toBe("unavailable");
        }
      }
      if (token.result.status === 200) lastAccepted = token.start + token.ms - stalledAt;
      expect(health.result.status).toBe(200);
      expect(health.ms).toBeLessThan(500);
    }
    // The disabled user's token: accepted from cache at most until the first poll times out (1 s + one interval).
    expect(lastAccepted).toBeLessThan(1500);
    expect(unavailable).toBeGreaterThan(2);
    const ready = await timed(() => getJson(`${serve.url}/readyz`));
    expect(ready.result.status).toBe(503);
    expect(ready.ms).toBeLessThan(3000);

    proxy.resume();
    const resumedAt = performance.now();
    for (;;) {
      const r = await getJson(`${serve.url}/whoami`, { authorization: jwtFor("bob", ed, { time: now() }) });
      if (r.status === 200) break;
      expect(r.status).toBe(503);
      expect(performance.now() - resumedAt).toBeLessThan(8000);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const after = await chap();
    expect(after.status).toBe(401);
    expect((await getJson(`${serve.url}/readyz`)).status).toBe(200);
  });

  it("exits within the shutdown deadline on SIGTERM while the database is stalled", async () => {
    proxy.stall();
    // One request in flight against the stalled database while the signal arrives.
    const inFlight = getJson(`${serve.url}/whoami`, { authorization: jwtFor("bob", ed, { time: now() }) });
    await new Promise((resolve) => setTimeout(resolve, 200));
    const start = performance.now();
    const code = await serve.stop();
    expect(performance.now() - start).toBeLessThan(8000);
    expect([0, 1]).toContain(code);
    expect([200, 503]).toContain((await inFlight).status);
  });
});

describe.runIf(databaseKinds.includes("postgresql") && redisUp)("serve on PostgreSQL + Redis with Redis stalled", () => {
  let db: TestDatabase;
  let proxy: StallProxy;
  let serve: Awaited<ReturnType<typeof startServe>>;
  const ed = freshKeyPair("ed25519").privateKey;
  const now = () => Date.now() / 1000;
  beforeAll(async () => {
    db = await createTestDatabase("postgresql");
    await seedUser(db.url, "bob", spkiPem(ed));
    const redis = new URL(redisUrl);
    proxy = await startStallProxy({ host: redis.hostname, port: Number(redis.port || 6379) });
    serve = await startServe({ DATABASE_URL: db.url, REDIS_URL: `redis://127.0.0.1:${proxy.port}`, CRTAUTH_SECRET: "redis-stall-test" });
  });
  afterAll(async () => {
    proxy?.resume();
    if (serve?.child.exitCode === null) await serve.stop();
    await proxy?.close();
    await db?.drop();
  });

  it("answers 503 within the command timeout where the replay guard is needed, and recovers", async () => {
    const whoami = () => timed(() => getJson(`${serve.url}/whoami`, { authorization: jwtFor("bob", ed, { time: now() }) }));
    expect((await whoami()).result.status).toBe(200);
    proxy.stall();
    const [first, second, health, ready] = await Promise.all([
      whoami(),
      whoami(),
      timed(() => getJson(`${serve.url}/healthz`)),
      timed(() => getJson(`${serve.url}/readyz`)),
    ]);
    for (const r of [first, second]) {
      expect(r.result.status).toBe(503);
      expect(r.ms).toBeLessThan(3500);
    }
    expect(health.result.status).toBe(200);
    expect(health.ms).toBeLessThan(500);
    expect(ready.result.status).toBe(503);
    expect(ready.ms).toBeLessThan(3000);
    proxy.resume();
    const resumedAt = performance.now();
    for (;;) {
      const r = await whoami();
      if (r.result.status === 200) break;
      expect(r.result.status).toBe(503);
      expect(performance.now() - resumedAt).toBeLessThan(8000);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect((await getJson(`${serve.url}/readyz`)).status).toBe(200);
  });
});
