import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import passport from "passport";
import { describe, expect, it } from "vitest";
import { SshKeyStrategy, type StrategyStore } from "../strategy/strategy.js";
import { openPrismaStore } from "../strategy/store/prisma/store.js";
import { createMemoryStore } from "../strategy/store/index.js";
import pg from "pg";
import { createTestDatabase, databaseKinds, postgresAdminUrl } from "./support/databases.js";
import { freshKeyPair } from "./support/fresh-keys.js";
import { handlesOn, zeroConfigDatabase } from "./support/file-handles.js";
import { jwtFor, spkiPem } from "./support/tokens.js";

async function listen(app: express.Express): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, "127.0.0.1", () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
}

describe("the zero-config strategy in a plain Express app", () => {
  const key = freshKeyPair("ed25519").privateKey;
  // Fields read inside the tests: the helper's beforeAll sets them.
  const db = zeroConfigDatabase("pssk-lifecycle-", spkiPem(key));

  it("serves 300 requests through passport.authenticate on one store, and close() writes every event and releases the file", async () => {
    expect(handlesOn(db.databaseFile)).toBe(0);
    const strategy = new SshKeyStrategy();
    passport.use(strategy);
    const app = express();
    app.get("/api/me", passport.authenticate("sshkey", { session: false }), (req, res) => {
      res.json({ user: (req.user as { username: string }).username });
    });
    const server = await listen(app);
    const get = (authorization?: string) =>
      fetch(`${server.url}/api/me`, { headers: authorization ? { authorization } : {} }).then(async (r) => ({ status: r.status, body: await r.text() }));

    // Concurrent first requests race for the lazily opened store: still one store.
    const first = await Promise.all(Array.from({ length: 10 }, () => get(jwtFor("alice", key, { time: Date.now() / 1000 }))));
    expect(first.map((r) => r.status)).toEqual(Array(10).fill(200));
    const handlesAfterOpen = handlesOn(db.databaseFile);
    expect(handlesAfterOpen).toBe(db.handlesPerStore);
    const openedStore = await strategy.store();

    for (let i = 0; i < 290; i++) {
      const r = await get(jwtFor("alice", key, { time: Date.now() / 1000 }));
      expect(r.status).toBe(200);
      expect(JSON.parse(r.body)).toEqual({ user: "alice" });
    }
    // Failures take the same path up to the store.
    expect((await get(jwtFor("mallory", key, { time: Date.now() / 1000 }))).status).toBe(401);
    expect((await get()).status).toBe(401);

    expect(handlesOn(db.databaseFile)).toBe(handlesAfterOpen);
    expect(await strategy.store()).toBe(openedStore);

    await server.close();
    await strategy.close();
    expect(handlesOn(db.databaseFile)).toBe(0);
    await strategy.close(); // twice is harmless

    const check = await openPrismaStore();
    try {
      const events = await check.database.prisma.authEvent.groupBy({ by: ["outcome"], _count: true });
      expect(Object.fromEntries(events.map((e) => [e.outcome, e._count]))).toEqual({ success: 300, failure: 1 });
      const stored = await check.database.prisma.publicKey.findFirstOrThrow();
      expect(stored.lastUsedAt).not.toBeNull();
    } finally {
      await check.close();
    }
  });

  it("refuses requests after close() with error(), and opens no new store", async () => {
    const strategy = new SshKeyStrategy();
    const authenticator = new passport.Passport();
    authenticator.use(strategy);
    const app = express();
    app.get("/api/me", authenticator.authenticate("sshkey", { session: false }), (_req, res) => res.json({ ok: true }));
    app.use((error: Error, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
      res.status(503).json({ message: error.message });
    });
    const server = await listen(app);
    try {
      const ok = await fetch(`${server.url}/api/me`, { headers: { authorization: jwtFor("alice", key, { time: Date.now() / 1000 }) } });
      expect(ok.status).toBe(200);
      await strategy.close();
      expect(handlesOn(db.databaseFile)).toBe(0);
      const after = await fetch(`${server.url}/api/me`, { headers: { authorization: jwtFor("alice", key, { time: Date.now() / 1000 }) } });
      expect(after.status).toBe(503);
      expect(await after.json()).toEqual({ message: "SshKeyStrategy is closed" });
      expect(handlesOn(db.databaseFile)).toBe(0);
    } finally {
      await server.close();
    }
  });

  it("close() before any request opens nothing", async () => {
    const strategy = new SshKeyStrategy();
    await strategy.close();
    expect(handlesOn(db.databaseFile)).toBe(0);
    await expect(strategy.store()).rejects.toThrow("SshKeyStrategy is closed");
  });
});

describe.skipIf(!databaseKinds.includes("postgresql"))("the zero-config strategy on DATABASE_URL=postgresql://…", () => {
  it("keeps one store's connections over 300 requests and closes them all", async () => {
    const database = await createTestDatabase("postgresql");
    const name = new URL(database.url).pathname.slice(1);
    const admin = new pg.Client({ connectionString: postgresAdminUrl });
    await admin.connect();
    const connections = async () => Number((await admin.query("SELECT count(*) AS n FROM pg_stat_activity WHERE datname = $1", [name])).rows[0].n);
    const previousUrl = process.env.DATABASE_URL;
    process.env.DATABASE_URL = database.url;
    const key = freshKeyPair("ed25519").privateKey;
    try {
      const seed = await openPrismaStore();
      await seed.directory.addUser("alice");
      await seed.directory.addKey("alice", spkiPem(key));
      await seed.close();
      const strategy = new SshKeyStrategy();
      const authenticator = new passport.Passport();
      authenticator.use(strategy);
      const app = express();
      app.get("/api/me", authenticator.authenticate("sshkey", { session: false }), (_req, res) => res.json({ ok: true }));
      const server = await listen(app);
      const get = () => fetch(`${server.url}/api/me`, { headers: { authorization: jwtFor("alice", key, { time: Date.now() / 1000 }) } }).then((r) => r.status);
      expect(await Promise.all(Array.from({ length: 10 }, get))).toEqual(Array(10).fill(200));
      const afterOpen = await connections();
      expect(afterOpen).toBeGreaterThan(0);
      for (let i = 0; i < 290; i++) expect(await get()).toBe(200);
      // Pools may drop idle connections, never add a store's worth per request.
      expect(await connections()).toBeLessThanOrEqual(afterOpen);
      await server.close();
      await strategy.close();
      for (let i = 0; i < 50 && (await connections()) > 0; i++) await new Promise((resolve) => setTimeout(resolve, 100));
      expect(await connections()).toBe(0);
    } finally {
      if (previousUrl === undefined) delete process.env.DATABASE_URL;
      else process.env.DATABASE_URL = previousUrl;
      await admin.end();
      await database.drop();
    }
  });
});

describe("a store passed as an option", () => {
  it("is flushed by close() but left open for its owner", async () => {
    const recorded: string[] = [];
    let flushes = 0;
    let pending: string[] = [];
    const store: StrategyStore = {
      keys: { findByKid: async () => null, findByFingerprint: async () => null, findByUsername: async () => null, advanceSignCounter: async () => true },
      replay: { consume: async () => true },
      events: {
        record: (event) => void pending.push(event.outcome),
        flush: async () => {
          flushes++;
          recorded.push(...pending);
          pending = [];
        },
      },
    };
    const strategy = new SshKeyStrategy({ store });
    const authenticator = new passport.Passport();
    authenticator.use(strategy);
    const app = express();
    app.get("/api/me", authenticator.authenticate("sshkey", { session: false }), (_req, res) => res.json({ ok: true }));
    const server = await listen(app);
    const key = freshKeyPair("ed25519").privateKey;
    const r = await fetch(`${server.url}/api/me`, { headers: { authorization: jwtFor("alice", key, { time: Date.now() / 1000 }) } });
    await server.close();
    expect(r.status).toBe(401);
    expect(recorded).toEqual([]);
    await strategy.close();
    expect(flushes).toBe(1);
    expect(recorded).toEqual(["failure"]);
  });
});

describe("per-request state", () => {
  it("passport's per-request copy of the strategy gets nothing but passport's own actions, and the strategy is untouched", async () => {
    const store = createMemoryStore();
    const key = freshKeyPair("ed25519").privateKey;
    await store.directory.addUser("alice");
    await store.directory.addKey("alice", spkiPem(key));
    const strategy = new SshKeyStrategy({ store, crtauth: { secret: "s".repeat(32) } });
    const ownBefore = Object.getOwnPropertyNames(strategy).map((name) => [name, (strategy as unknown as Record<string, unknown>)[name]]);
    const actions = ["success", "fail", "error", "pass", "redirect"];
    const headers = [
      jwtFor("alice", key, { time: Date.now() / 1000 }),
      jwtFor("bob", key, { time: Date.now() / 1000 }),
      "Bearer not-a-token",
      "chap:nonsense",
      "Basic abc",
      undefined,
    ];
    // What passport's authenticate middleware does for every request: a fresh Object.create copy.
    const app = express();
    app.get("/", (req, res) => {
      const copy = Object.create(strategy) as SshKeyStrategy & Record<string, unknown>;
      for (const action of actions) copy[action] = () => res.json({ action, own: Object.getOwnPropertyNames(copy).sort() });
      copy.authenticate(req, { session: false });
    });
    const server = await listen(app);
    try {
      for (const authorization of headers) {
        const r = await fetch(server.url, { headers: authorization ? { authorization } : {} });
        const { action, own } = (await r.json()) as { action: string; own: string[] };
        expect(action).toBe(authorization === headers[0] ? "success" : "fail");
        expect(own).toEqual([...actions].sort());
      }
      const ownAfter = Object.getOwnPropertyNames(strategy).map((name) => [name, (strategy as unknown as Record<string, unknown>)[name]]);
      expect(ownAfter).toEqual(ownBefore);
    } finally {
      await server.close();
      await strategy.close();
      await store.close();
    }
  });
});
