import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import express from "express";
import passport from "passport";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SshKeyStrategy, type StrategyStore } from "../strategy/strategy.js";
import { createDemoApp } from "../strategy/server/demo-app.js";
import { createMemoryStore, type SshKeyStore } from "../strategy/store/index.js";
import { getJson } from "./support/server.js";
import { jwtFor, spkiPem } from "./support/tokens.js";
import { freshKeyPair } from "./support/fresh-keys.js";

async function listen(app: express.Express) {
  const server = await new Promise<import("node:http").Server>((resolve) => {
    const s = app.listen(0, "127.0.0.1", () => resolve(s));
  });
  const { port } = server.address() as import("node:net").AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((r) => server.close(r)) };
}

describe("infrastructure faults", () => {
  it("turns a failing key store into error() (500 JSON), never into a pass or a crash", async () => {
    const failing: StrategyStore = {
      keys: {
        findByKid: () => Promise.reject(new Error("connection reset")),
        findByFingerprint: () => Promise.reject(new Error("connection reset")),
        findByUsername: () => Promise.reject(new Error("connection reset")),
        advanceSignCounter: () => Promise.reject(new Error("connection reset")),
      },
      replay: { consume: () => Promise.resolve(true) },
      events: { record: () => {}, flush: () => Promise.resolve() },
    };
    const logged: unknown[] = [];
    const server = await listen(createDemoApp({ strategy: new SshKeyStrategy({ store: failing }), log: (e) => logged.push(e) }));
    const k = freshKeyPair("ed25519").privateKey;
    const r = await getJson(`${server.url}/whoami`, { authorization: jwtFor("alice", k, { time: Date.now() / 1000 }) });
    await server.close();
    expect(r.status).toBe(500);
    expect(r.body).toEqual({ error: { code: "internal_error", message: "internal error" } });
    expect(String(logged[0])).toContain("connection reset");
  });

  it("turns a failing replay store into error() rather than accepting", async () => {
    const k = freshKeyPair("ed25519").privateKey;
    const store = createMemoryStore();
    await store.directory.addUser("alice");
    await store.directory.addKey("alice", spkiPem(k));
    const broken: StrategyStore = { ...store, replay: { consume: () => Promise.reject(new Error("disk full")) } };
    const server = await listen(createDemoApp({ strategy: new SshKeyStrategy({ store: broken }), log: () => {} }));
    const r = await getJson(`${server.url}/whoami`, { authorization: jwtFor("alice", k, { time: Date.now() / 1000 }) });
    await server.close();
    await store.close();
    expect(r.status).toBe(500);
  });
});

describe("the verify callback and options", () => {
  const k = freshKeyPair("ed25519").privateKey;
  let dir: string;
  let store: SshKeyStore;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "pssk-"));
    store = createMemoryStore();
    await store.directory.addUser("alice");
    await store.directory.addKey("alice", spkiPem(k));
  });
  afterAll(async () => {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function call(strategy: SshKeyStrategy) {
    const authenticator = new passport.Passport();
    authenticator.use(strategy);
    const app = express();
    app.get("/me", authenticator.authenticate("sshkey", { session: false }), (req, res) => {
      res.json({ user: req.user, info: req.authInfo });
    });
    const server = await listen(app);
    const r = await getJson(`${server.url}/me`, { authorization: jwtFor("alice", k, { time: Date.now() / 1000 }) });
    await server.close();
    return r;
  }

  it("maps the stored user to the application's user, passport style", async () => {
    const r = await call(new SshKeyStrategy({ store }, (user, info, done) => done(null, { name: user.username.toUpperCase(), via: info.scheme })));
    expect(r.status).toBe(200);
    expect(r.body.user).toEqual({ name: "ALICE", via: "jwt" });
    expect(r.body.info).toMatchObject({ scheme: "jwt", keyType: "ssh-ed25519" });
    expect(r.body.info.fingerprint).toMatch(/^SHA256:/);
  });

  it("turns a route that throws inside passport's success() into error(), never an unhandled rejection", async () => {
    const authenticator = new passport.Passport();
    authenticator.use(new SshKeyStrategy({ store }));
    const app = express();
    app.get("/me", authenticator.authenticate("sshkey", { session: false }), () => {
      throw new Error("route broke");
    });
    const errors: unknown[] = [];
    app.use((error: unknown, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
      errors.push(error);
      res.status(500).json({ error: String(error) });
    });
    const server = await listen(app);
    const r = await getJson(`${server.url}/me`, { authorization: jwtFor("alice", k, { time: Date.now() / 1000 }) });
    await server.close();
    expect(r.status).toBe(500);
    expect(String(errors[0])).toContain("route broke");
  });

  it("refuses with 401 when the callback answers false", async () => {
    const r = await call(new SshKeyStrategy({ store }, (_user, _info, done) => done(null, false)));
    expect(r.status).toBe(401);
    expect(r.headers.get("www-authenticate")).toContain('error="invalid_token"');
  });

  it("turns a callback error, thrown or passed, into error()", async () => {
    expect((await call(new SshKeyStrategy({ store }, (_u, _i, done) => done(new Error("boom"))))).status).toBe(500);
    expect(
      (
        await call(
          new SshKeyStrategy({ store }, () => {
            throw new Error("boom");
          }),
        )
      ).status,
    ).toBe(500);
  });

  it("rejects unknown options and an empty scheme list loudly", () => {
    expect(() => new SshKeyStrategy({ clockTolerance: 5 } as never)).toThrow(/unknown option "clockTolerance"/);
    expect(() => new SshKeyStrategy({ schemes: [] })).toThrow(TypeError);
  });

  it("works with zero arguments on DATABASE_URL, migrating it on first use", async () => {
    const previous = process.env.DATABASE_URL;
    process.env.DATABASE_URL = `file:${dir}/default.sqlite`;
    try {
      const strategy = new SshKeyStrategy();
      const r = await call(strategy);
      expect(r.status).toBe(401); // alice has no key in this fresh database
      expect(fs.existsSync(`${dir}/default.sqlite`)).toBe(true);
      await strategy.close();
    } finally {
      if (previous === undefined) delete process.env.DATABASE_URL;
      else process.env.DATABASE_URL = previous;
    }
  });
});
