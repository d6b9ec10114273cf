// Webhooks through the admin API: admins only; https or loopback http URLs, known events; the
// secret answered once; duplicates, unknown ids and hostile input refused with the right status.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SshKeyStore } from "../../../strategy/store/index.js";
import { databaseKinds } from "../../support/databases.js";
import { startTestServer, type TestServer } from "../../support/server.js";
import { signInTo, type Client } from "../support.js";

describe.each(["memory", ...databaseKinds] as const)("webhooks in the admin API on %s", (kind) => {
  let t: TestServer<SshKeyStore>;
  let root: Client;
  let alice: Client;

  beforeAll(async () => {
    t = await startTestServer(kind as "memory");
    await t.store.directory.addUser("root", { isAdmin: true });
    await t.store.directory.addUser("alice");
    root = await signInTo(t.url, t.store, "root");
    alice = await signInTo(t.url, t.store, "alice");
  });
  afterAll(() => t?.close());

  it("adds a webhook with its secret shown once, lists and removes it", async () => {
    const added = await root.call("POST", "/webhooks", { url: "https://hooks.example.com/keys", events: "key.added, key.expired" });
    expect(added.status).toBe(201);
    expect(added.body.secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(added.body.webhook).toMatchObject({ url: "https://hooks.example.com/keys", events: ["key.added", "key.expired"], disabled: false });
    const { items: audited } = await t.store.audit.page({ action: "webhook.added", limit: 1 });
    expect(audited[0]).toMatchObject({
      actor: { name: "root" },
      target: { type: "webhook", name: "https://hooks.example.com/keys" },
      after: { events: ["key.added", "key.expired"] },
    });
    expect(JSON.stringify(audited[0])).not.toContain(added.body.secret);
    const listed = await root.call("GET", "/webhooks");
    expect(listed.body.webhooks).toEqual([added.body.webhook]);
    expect(JSON.stringify(listed.body)).not.toContain(added.body.secret);
    expect((await root.call("GET", `/webhooks/${added.body.webhook.id}/deliveries`)).body).toEqual({ deliveries: [] });
    expect((await root.call("POST", "/webhooks", { url: "https://hooks.example.com/keys" })).body.error.code).toBe("webhook_exists");
    expect((await root.call("DELETE", `/webhooks/${added.body.webhook.id}`)).body).toEqual({ deleted: true, id: added.body.webhook.id });
    const again = await root.call("DELETE", `/webhooks/${added.body.webhook.id}`);
    expect([again.status, again.body.error.code]).toEqual([404, "webhook_not_found"]);
    const log = await root.call("GET", `/webhooks/${added.body.webhook.id}/deliveries`);
    expect([log.status, log.body.error.code]).toEqual([404, "webhook_not_found"]);
  });

  it("accepts http only to loopback, and refuses other URLs and unknown events with 400", async () => {
    expect((await root.call("POST", "/webhooks", { url: "http://127.0.0.1:9/hook" })).status).toBe(201);
    for (const url of [
      "http://hooks.example.com/",
      "ftp://hooks.example.com/",
      "https://user:pw@hooks.example.com/",
      "not a url",
      `https://x.example/${"a".repeat(2100)}`,
    ]) {
      const refused = await root.call("POST", "/webhooks", { url });
      expect([refused.status, refused.body.error.code], url).toEqual([400, "invalid_body"]);
    }
    for (const events of ["key.nope", ",", "key.added,session.sign_in"]) {
      const refused = await root.call("POST", "/webhooks", { url: "https://e.example/", events });
      expect([refused.status, refused.body.error.message], events).toEqual([400, expect.stringContaining("unknown event")]);
    }
    for (const body of [{}, { url: "https://e.example/\u0000" }, { url: "https://e.example/", secret: "mine" }, { url: 5 }]) {
      expect((await root.call("POST", "/webhooks", body)).status, JSON.stringify(body)).toBe(400);
    }
    expect((await root.call("GET", "/webhooks/x/deliveries?limit=500")).status).toBe(400);
  });

  it("is for administrators only", async () => {
    for (const [method, path] of [
      ["GET", "/webhooks"],
      ["POST", "/webhooks"],
      ["DELETE", "/webhooks/some-id"],
      ["GET", "/webhooks/some-id/deliveries"],
    ] as const) {
      const refused = await alice.call(method, path, method === "POST" ? { url: "https://e.example/" } : undefined);
      expect([refused.status, refused.body.error.code], `${method} ${path}`).toEqual([403, "forbidden"]);
    }
  });
});

describe.each(["memory", ...databaseKinds] as const)("users' e-mail addresses in the admin API on %s", (kind) => {
  let t: TestServer<SshKeyStore>;
  let root: Client;
  let alice: Client;

  beforeAll(async () => {
    t = await startTestServer(kind as "memory");
    await t.store.directory.addUser("root", { isAdmin: true });
    await t.store.directory.addUser("alice");
    await t.store.directory.addUser("bob");
    root = await signInTo(t.url, t.store, "root");
    alice = await signInTo(t.url, t.store, "alice");
  });
  afterAll(() => t?.close());

  it("lets users set and clear their own address, and admins anyone's; validated", async () => {
    expect((await alice.call("PATCH", "/users/alice", { email: "alice@example.com" })).body.user).toMatchObject({
      username: "alice",
      email: "alice@example.com",
    });
    expect((await alice.call("GET", "/me")).body.user.email).toBe("alice@example.com");
    expect((await alice.call("PATCH", "/users/alice", { email: null })).body.user.email).toBeNull();
    expect((await alice.call("PATCH", "/users/bob", { email: "x@example.com" })).status).toBe(403);
    expect((await alice.call("PATCH", "/users/alice", { email: "a@example.com", isAdmin: true })).status).toBe(403);
    expect((await root.call("PATCH", "/users/bob", { email: "bob@example.com" })).body.user.email).toBe("bob@example.com");
    const created = await root.call("POST", "/users", { username: "carol", email: "carol@example.com" });
    expect([created.status, created.body.user.email]).toEqual([201, "carol@example.com"]);
    for (const email of ["carol", "a@b", "a@example.com\r\nBcc: x@example.com", "a b@example.com", "x".repeat(300)]) {
      const refused = await alice.call("PATCH", "/users/alice", { email });
      expect([refused.status, refused.body.error.code], email).toEqual([400, "invalid_body"]);
    }
    const badCreate = await root.call("POST", "/users", { username: "dave", email: "nope" });
    expect([badCreate.status, badCreate.body.error.message]).toEqual([400, expect.stringContaining("email")]);
    expect(await t.store.directory.lookupUser("dave")).toBeNull();
  });
});
