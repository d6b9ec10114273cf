// The in-memory store behind the real strategy and the admin console: what a user's tests
// get from createMemoryStore(), with no database at all.
import crypto from "node:crypto";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDemoApp, createMemoryStore, publicKeyFromKeyObject, SshKeyStrategy, type SshKeyStore } from "../../../strategy/index.js";
import { createSignInLink } from "../../../strategy/admin/sessions.js";
import { redeemLink } from "../../admin/support.js";
import { jwtFor } from "../../support/tokens.js";

describe("createMemoryStore", () => {
  const { publicKey, privateKey } = crypto.generateKeyPairSync("ed25519");
  let store: SshKeyStore;
  let server: import("node:http").Server;
  let base: string;
  beforeAll(async () => {
    store = createMemoryStore();
    await store.directory.addUser("alice");
    await store.directory.addKey("alice", publicKeyFromKeyObject(publicKey).openssh);
    const app = createDemoApp({ strategy: new SshKeyStrategy({ store }), admin: { uiDir: false }, trustProxy: false });
    server = await new Promise((resolve) => {
      const s = app.listen(0, "127.0.0.1", () => resolve(s));
    });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server?.close(() => resolve())));

  it("signs a user in, records the event and the key's use, and refuses the token's replay", async () => {
    const authorization = jwtFor("alice", privateKey, { time: Math.floor(Date.now() / 1000) });
    const first = await fetch(`${base}/whoami`, { headers: { authorization } });
    expect(first.status).toBe(200);
    expect(await first.json()).toMatchObject({ username: "alice", scheme: "jwt" });
    expect((await fetch(`${base}/whoami`, { headers: { authorization } })).status).toBe(401);
    const events = await store.eventLog.page({ username: "alice", limit: 10 });
    expect(events.items.map((e) => [e.outcome, e.errorCode])).toEqual([
      ["failure", "replayed"],
      ["success", null],
    ]);
    const [key] = await store.directory.listKeys("alice");
    expect(key).toMatchObject({ useCount: 1, lastUsedScheme: "jwt" });
  });

  it("refuses a revoked key at once: the change reaches the strategy", async () => {
    const [key] = await store.directory.listKeys("alice");
    await store.directory.revokeKeyById(key!.id, "lost");
    const authorization = jwtFor("alice", privateKey, { time: Math.floor(Date.now() / 1000) });
    expect((await fetch(`${base}/whoami`, { headers: { authorization } })).status).toBe(401);
    const [latest] = (await store.eventLog.page({ username: "alice", limit: 1 })).items;
    expect(latest?.errorCode).toBe("key_revoked");
  });

  it("backs the admin console: a sign-in link becomes a session that lists the keys", async () => {
    const alice = await store.directory.findUser("alice");
    await store.directory.setUserFlags("alice", { isAdmin: true });
    const { secret } = await createSignInLink(store.sessions, alice.id);
    // Opening the link shows a page; its Sign in button's POST redeems it.
    const login = await redeemLink(`${base}/admin/login/${secret}`);
    expect(login.status).toBe(303);
    const cookie = login.headers.get("set-cookie")!.split(";")[0]!;
    const keys = await fetch(`${base}/admin/api/keys`, { headers: { cookie } });
    expect(keys.status).toBe(200);
    expect(((await keys.json()) as { keys: unknown[] }).keys).toMatchObject([{ username: "alice", status: "revoked" }]);
  });

  it("names a misspelt option", () => {
    expect(() => createMemoryStore({ maxKeys: 3 } as never)).toThrow(/createMemoryStore: unknown option "maxKeys"/);
  });
});
