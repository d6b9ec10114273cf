// A SQLite write lock held by another process (here: the test process, through its own
// better-sqlite3 connection) must not freeze `serve`: liveness answers at once, requests that
// need a write answer 503 quickly and never 200, readiness says why, and once the lock goes
// everything works again with no event lost.
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openPrismaStore } from "../../strategy/store/prisma/store.js";
import { startServe } from "../support/cli.js";
import { createTestDatabase, type TestDatabase } from "../support/databases.js";
import { seedUser } from "../support/seed.js";
import { getJson } from "../support/server.js";
import { freshKeyPair } from "../support/fresh-keys.js";
import { jwtFor, spkiPem } from "../support/tokens.js";

async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; result: T }> {
  const start = performance.now();
  const result = await work();
  return { ms: performance.now() - start, result };
}

describe("serve on SQLite while another process holds the write lock", () => {
  let db: TestDatabase;
  let serve: Awaited<ReturnType<typeof startServe>>;
  const key = freshKeyPair("ed25519").privateKey;
  const now = () => Date.now() / 1000;
  beforeAll(async () => {
    db = await createTestDatabase("sqlite");
    await seedUser(db.url, "alice", spkiPem(key));
    serve = await startServe({ DATABASE_URL: db.url, CRTAUTH_SECRET: "sqlite-lock-test" });
  });
  afterAll(async () => {
    if (serve?.child.exitCode === null) await serve.stop();
    await db.drop();
  });

  it("answers liveness fast and 503 where a write is needed; recovers after; loses no event", async () => {
    expect((await getJson(`${serve.url}/whoami`, { authorization: jwtFor("alice", key, { time: now() }) })).status).toBe(200);
    expect((await getJson(`${serve.url}/readyz`)).status).toBe(200);

    const holder = new Database(db.url.slice("file:".length));
    holder.exec("BEGIN IMMEDIATE");
    const lockedAt = Date.now();
    let junkRefused = 0;
    try {
      // Four seconds of traffic against the lock: logins (a replay insert each), junk
      // credentials (refused before any write; their events wait in the buffer), liveness.
      while (Date.now() - lockedAt < 4000) {
        const [whoami, junk, health] = await Promise.all([
          timed(() => getJson(`${serve.url}/whoami`, { authorization: jwtFor("alice", key, { time: now() }) })),
          timed(() => getJson(`${serve.url}/whoami`, { authorization: jwtFor("lock-junk", key, { time: now() }) })),
          timed(() => getJson(`${serve.url}/healthz`)),
        ]);
        expect(whoami.result.status).toBe(503);
        expect(whoami.result.body.error.code).toBe("unavailable");
        expect(whoami.result.headers.get("retry-after")).toBe("1");
        expect(whoami.ms).toBeLessThan(1000);
        expect(junk.result.status).toBe(401);
        junkRefused++;
        expect(health.result.status).toBe(200);
        expect(health.ms).toBeLessThan(1000);
      }
      const ready = await timed(() => getJson(`${serve.url}/readyz`));
      expect(ready.ms).toBeLessThan(3000);
      expect(ready.result.status).toBe(503);
      expect(ready.result.body).toMatchObject({ ok: false, ready: false });
      expect(ready.result.body.reason).toMatch(/locked/);
      // The junk failures wait in the bounded queue; nothing was dropped.
      expect(ready.result.body.events.queuedEvents).toBeGreaterThan(0);
      expect(ready.result.body.events.dropped).toEqual({ failures: 0, successes: 0 });
    } finally {
      holder.exec("ROLLBACK");
      holder.close();
    }
    expect(junkRefused).toBeGreaterThan(5);

    const start = Date.now();
    for (;;) {
      const r = await getJson(`${serve.url}/whoami`, { authorization: jwtFor("alice", key, { time: now() }) });
      if (r.status === 200) break;
      expect(r.status).toBe(503);
      expect(Date.now() - start).toBeLessThan(2000);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect((await getJson(`${serve.url}/readyz`)).status).toBe(200);

    expect(await serve.stop()).toBe(0);
    const store = await openPrismaStore({ url: db.url, migrate: false });
    try {
      expect(await store.database.prisma.authEvent.count({ where: { username: "lock-junk" } })).toBe(junkRefused);
    } finally {
      await store.close();
    }
  });
});
