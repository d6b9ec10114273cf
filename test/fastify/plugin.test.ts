// The plugin's life: zero-config (the default store on DATABASE_URL, opened once however many
// requests race for it, closed with the app), a shared strategy, the verify callback, Fastify's
// trustProxy for the client address, route options, and its own option errors.
import Fastify from "fastify";
import { describe, expect, it } from "vitest";
import { fastifySshKey } from "../../strategy/fastify/index.js";
import { createMemoryStore, type SshKeyStore } from "../../strategy/store/index.js";
import type { StoredUser } from "../../strategy/store/ports.js";
import { openPrismaStore } from "../../strategy/store/prisma/store.js";
import { SshKeyStrategy } from "../../strategy/strategy.js";
import { recordedEvents, recordingEvents } from "../support/events.js";
import { handlesOn, zeroConfigDatabase } from "../support/file-handles.js";
import { freshKeyPair } from "../support/fresh-keys.js";
import { jwtFor, spkiPem } from "../support/tokens.js";
import { startFastifyApp } from "./support.js";

const key = freshKeyPair("ed25519").privateKey;
const token = (username = "alice") => jwtFor(username, key, { time: Math.floor(Date.now() / 1000) });

async function aliceStore(): Promise<SshKeyStore> {
  const store = recordingEvents(createMemoryStore());
  await store.directory.addUser("alice");
  await store.directory.addKey("alice", spkiPem(key));
  return store;
}

describe("the zero-config plugin", () => {
  const db = zeroConfigDatabase("pssk-fastify-", spkiPem(key));

  it("opens the default store once for racing first requests, keeps it, and app.close() writes the events and releases the file", async () => {
    expect(handlesOn(db.databaseFile)).toBe(0);
    const { app, url, close } = await startFastifyApp({});
    const get = (authorization: string) => fetch(`${url}/whoami`, { headers: { authorization } });
    const first = await Promise.all(Array.from({ length: 10 }, () => get(token())));
    expect(first.map((r) => r.status)).toEqual(Array(10).fill(200));
    const opened = await app.sshKey.strategy.store();
    expect(handlesOn(db.databaseFile)).toBe(db.handlesPerStore);
    for (let i = 0; i < 40; i++) expect((await get(token())).status).toBe(200);
    expect((await get(token("mallory"))).status).toBe(401);
    expect(await app.sshKey.strategy.store()).toBe(opened);
    expect(handlesOn(db.databaseFile)).toBe(db.handlesPerStore);

    await close();
    expect(handlesOn(db.databaseFile)).toBe(0);
    const check = await openPrismaStore();
    try {
      const events = await check.database.prisma.authEvent.groupBy({ by: ["outcome"], _count: true });
      expect(Object.fromEntries(events.map((e) => [e.outcome, e._count]))).toEqual({ success: 50, failure: 1 });
    } finally {
      await check.close();
    }
  });
});

describe("the plugin's options", () => {
  it("shares a strategy it was given and leaves it open; refuses strategy options beside it", async () => {
    const store = await aliceStore();
    const strategy = new SshKeyStrategy({ store });
    const { url, close } = await startFastifyApp({ strategy });
    expect((await fetch(`${url}/whoami`, { headers: { authorization: token() } })).status).toBe(200);
    await close();
    expect(await strategy.store()).toBe(store); // not closed by the app
    await strategy.close();

    const app = Fastify();
    await expect(app.register(fastifySshKey, { strategy, exposeErrorCodes: true })).rejects.toThrow(/leave out the strategy options \(got exposeErrorCodes\)/);
    await expect(Fastify().register(fastifySshKey, { jwt: { tolerance: 3 } } as never)).rejects.toThrow(/unknown option "jwt.tolerance"/);
  });

  it("maps the user through the verify callback, and its refusal is a 401 rejected", async () => {
    const store = await aliceStore();
    const { url, close } = await startFastifyApp(
      { store, verify: (user, info, done) => done(null, user.username === "alice" ? { ...user, username: `${user.username}!`, via: info.scheme } : false) },
      {},
      (app) => app.get("/mapped", { preHandler: app.sshKey.authenticate() }, async (request) => request.sshKeyUser),
    );
    const r = await fetch(`${url}/mapped`, { headers: { authorization: token() } });
    expect(r.status).toBe(200);
    expect(await r.json()).toMatchObject({ username: "alice!", via: "jwt" });
    await close();

    const refusing = await startFastifyApp({ store: await aliceStore(), verify: (_user, _info, done) => done(null, false) });
    const refused = await fetch(`${refusing.url}/whoami`, { headers: { authorization: token() } });
    expect(refused.status).toBe(401);
    expect(await refused.json()).toEqual({ error: { code: "rejected", message: "the application refused this user" } });
    await refusing.close();
  });

  it("records the client address Fastify's trustProxy resolves, as Express's trust proxy", async () => {
    for (const [trustProxy, expected] of [
      [false, "127.0.0.1"],
      [true, "203.0.113.9"],
    ] as const) {
      const store = await aliceStore();
      const { url, close } = await startFastifyApp({ store }, { trustProxy });
      const r = await fetch(`${url}/whoami`, { headers: { authorization: token(), "x-forwarded-for": "203.0.113.9" } });
      expect(r.status).toBe(200);
      await store.events.flush();
      expect(recordedEvents(store).at(-1)).toMatchObject({ outcome: "success", ip: expected });
      await close();
    }
  });

  it("hands a route's options to the codecs (jwtAudience) and leaves routes without the hook alone", async () => {
    const store = await aliceStore();
    const { url, close } = await startFastifyApp({ store }, {}, (app) => {
      app.get("/billing", { preHandler: app.sshKey.authenticate({ jwtAudience: "billing" }) }, async (request) => ({
        user: (request.sshKeyUser as StoredUser).username,
      }));
      app.get("/open", async (request) => ({ user: request.sshKeyUser }));
    });
    const noAudience = await fetch(`${url}/billing`, { headers: { authorization: token() } });
    expect(noAudience.status).toBe(401);
    const audience = jwtFor("alice", key, { time: Math.floor(Date.now() / 1000), claims: { aud: "billing" } });
    const billed = await fetch(`${url}/billing`, { headers: { authorization: audience } });
    expect([billed.status, await billed.json()]).toEqual([200, { user: "alice" }]);
    const open = await fetch(`${url}/open`);
    expect(await open.json()).toEqual({ user: null });
    await close();
  });
});
