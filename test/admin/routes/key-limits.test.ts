// A key's scopes, rate limit and lockout through the admin API on every store: an administrator
// sets and clears them (audited), an owner may not lift them, hostile values are a 400, and a
// locked key is shown with its lock and unlocked by POST /keys/:id/unlock.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { databaseKinds } from "../../support/databases.js";
import { startTestServer, type MemoryTestServer } from "../../support/server.js";
import { newKeyLine, signInTo, type Client } from "../support.js";

describe.each(["memory", ...databaseKinds] as const)("key limits in the admin API, on %s", (kind) => {
  let server: MemoryTestServer;
  let root: Client;
  let alice: Client;
  let keyId: string;

  beforeAll(async () => {
    server = kind === "memory" ? await startTestServer(kind) : await startTestServer(kind);
    await server.store.directory.addUser("root", { isAdmin: true });
    await server.store.directory.addUser("alice");
    root = await signInTo(server.url, server.store, "root");
    alice = await signInTo(server.url, server.store, "alice");
    keyId = (await server.store.directory.addKey("alice", newKeyLine("deploy-bot"))).id;
  }, 30_000);
  afterAll(() => server?.close());

  it("a new key is unrestricted, without a limit and unlocked", async () => {
    const r = await alice.call("GET", `/keys/${keyId}`);
    expect(r.body.key).toMatchObject({ scopes: null, rateLimit: null, failedAttempts: 0, lockedUntil: null });
  });

  it("an administrator sets scopes (sorted, deduplicated) and a rate limit, and clears them; each change is audited", async () => {
    const set = await root.call("PATCH", `/keys/${keyId}`, { scopes: ["read", "deploy", "read"], rateLimit: { count: 100, windowSeconds: 60 } });
    expect(set.status).toBe(200);
    expect(set.body.key).toMatchObject({ scopes: ["deploy", "read"], rateLimit: { count: 100, windowSeconds: 60 } });
    const cleared = await root.call("PATCH", `/keys/${keyId}`, { scopes: null, rateLimit: null });
    expect(cleared.body.key).toMatchObject({ scopes: null, rateLimit: null });
    const { items } = await server.store.audit.page({ targetId: keyId, limit: 10 });
    expect(items.map((e) => [e.action, e.actor, e.before, e.after])).toEqual([
      ["key.limits_changed", expect.objectContaining({ type: "user", name: "root" }), { rateLimit: { count: 100, windowSeconds: 60 } }, { rateLimit: null }],
      ["key.scopes_changed", expect.objectContaining({ type: "user", name: "root" }), { scopes: ["deploy", "read"] }, { scopes: null }],
      ["key.limits_changed", expect.objectContaining({ type: "user", name: "root" }), { rateLimit: null }, { rateLimit: { count: 100, windowSeconds: 60 } }],
      ["key.scopes_changed", expect.objectContaining({ type: "user", name: "root" }), { scopes: null }, { scopes: ["deploy", "read"] }],
    ]);
  });

  it("the key's owner may rename it but not change its scopes or rate limit (403), nor unlock it", async () => {
    expect((await alice.call("PATCH", `/keys/${keyId}`, { scopes: ["deploy"] })).body.error.code).toBe("forbidden");
    expect((await alice.call("PATCH", `/keys/${keyId}`, { rateLimit: null })).status).toBe(403);
    expect((await alice.call("POST", `/keys/${keyId}/unlock`)).status).toBe(403);
    expect((await alice.call("PATCH", `/keys/${keyId}`, { comment: "renamed" })).status).toBe(200);
  });

  it.each([
    ["a scope outside the charset", { scopes: ["Deploy"] }],
    ["a scope with a space", { scopes: ["de ploy"] }],
    ["an empty scope name", { scopes: [""] }],
    ["a 65-character scope", { scopes: ["a".repeat(65)] }],
    ["33 scopes", { scopes: Array.from({ length: 33 }, (_, i) => `s${i}`) }],
    ["scopes as a string", { scopes: "deploy" }],
    ["a zero count", { rateLimit: { count: 0, windowSeconds: 60 } }],
    ["a zero window", { rateLimit: { count: 10, windowSeconds: 0 } }],
    ["a negative count", { rateLimit: { count: -1, windowSeconds: 60 } }],
    ["a fractional window", { rateLimit: { count: 1, windowSeconds: 1.5 } }],
    ["a huge count", { rateLimit: { count: 1e12, windowSeconds: 60 } }],
    ["a window over a day", { rateLimit: { count: 1, windowSeconds: 86_401 } }],
    ["a limit without a window", { rateLimit: { count: 5 } }],
  ])("refuses %s with 400 invalid_body", async (_what, body) => {
    const r = await root.call("PATCH", `/keys/${keyId}`, body);
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe("invalid_body");
  });

  it("shows a locked key's lock and failure count, and an administrator unlocks it (audited)", async () => {
    const until = new Date(server.clock.now + 600_000);
    await server.store.limits.recordKeyFailure(keyId, 1, until, new Date(server.clock.now));
    const shown = await root.call("GET", `/keys/${keyId}`);
    expect(shown.body.key).toMatchObject({ failedAttempts: 1, lockedUntil: until.toISOString() });
    const r = await root.call("POST", `/keys/${keyId}/unlock`);
    expect(r.status).toBe(200);
    expect(r.body.key).toMatchObject({ failedAttempts: 0, lockedUntil: null });
    const [entry] = (await server.store.audit.page({ action: "key.unlocked", targetId: keyId, limit: 1 })).items;
    expect(entry).toMatchObject({ actor: { type: "user", name: "root" }, before: { failedAttempts: 1 }, after: { lockedUntil: null, failedAttempts: 0 } });
    expect((await root.call("POST", "/keys/no-such-key/unlock")).status).toBe(404);
  });
});
