// Every change made through the console's API lands in the audit log with who made it (the
// session's user), from where (the client address as `trust proxy` reads it, and the user
// agent), what it was made to, and the fields before and after.
import type { AddressInfo } from "node:net";
import express from "express";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { AuditWriteError } from "../../strategy/audit/recorder.js";
import { createAdminRouter } from "../../strategy/admin/router.js";
import { createMemoryStore, type AuditEntry, type SshKeyStore } from "../../strategy/store/index.js";
import { databaseKinds } from "../support/databases.js";
import { startTestServer, type TestServer } from "../support/server.js";
import { newKeyLine, signInTo, type Client } from "./support.js";

const from = { "x-forwarded-for": "203.0.113.7", "user-agent": "audit-test/1.0" };

async function newest(store: SshKeyStore, action: string): Promise<AuditEntry> {
  const { items } = await store.audit.page({ action, limit: 1 });
  if (!items[0]) throw new Error(`no ${action} entry`);
  return items[0];
}

describe.each(["memory", ...databaseKinds] as const)("changes through the admin API are audited, on %s", (kind) => {
  let t: TestServer<SshKeyStore>;
  let root: Client;
  let rootId: string;
  const actor = () => ({ type: "user", id: rootId, name: "root" });

  beforeAll(async () => {
    // Behind a proxy on loopback: the recorded address is the forwarded client's.
    vi.stubEnv("TRUST_PROXY", "loopback");
    t = await startTestServer(kind as "memory");
    vi.unstubAllEnvs();
    rootId = (await t.store.directory.addUser("root", { isAdmin: true })).id;
    await t.store.directory.addUser("alice");
    root = await signInTo(t.url, t.store, "root");
  });
  afterAll(() => t?.close());

  it("records a key added, renamed, given an expiry, revoked and deleted, each with its owner", async () => {
    const alice = await t.store.directory.findUser("alice");
    const added = await root.call("POST", "/keys", { text: newKeyLine("laptop"), username: "alice" }, from);
    expect(added.status).toBe(201);
    const key = added.body.keys[0];
    const target = { type: "key", id: key.id, name: key.fingerprintSha256 };
    const owner = { owner: "alice", ownerId: alice.id };

    expect(await newest(t.store, "key.added")).toMatchObject({
      actor: actor(),
      ip: "203.0.113.7",
      userAgent: "audit-test/1.0",
      target,
      before: null,
      after: { ...owner, comment: "laptop", type: "ssh-ed25519", revokedAt: null },
    });

    expect((await root.call("PATCH", `/keys/${key.id}`, { comment: "work laptop", expiresAt: "2099-01-01T00:00:00.000Z" }, from)).status).toBe(200);
    const renamed = await newest(t.store, "key.renamed");
    expect([renamed.target, renamed.before, renamed.after]).toEqual([target, { ...owner, comment: "laptop" }, { ...owner, comment: "work laptop" }]);
    const expiry = await newest(t.store, "key.expiry_changed");
    expect([expiry.before, expiry.after]).toEqual([
      { ...owner, expiresAt: null },
      { ...owner, expiresAt: "2099-01-01T00:00:00.000Z" },
    ]);

    expect((await root.call("POST", `/keys/${key.id}/revoke`, { reason: "stolen" }, from)).status).toBe(200);
    const revoked = await newest(t.store, "key.revoked");
    expect(revoked).toMatchObject({ actor: actor(), ip: "203.0.113.7", target, before: { ...owner, revokedAt: null } });
    expect(revoked.after).toEqual({ ...owner, revokedAt: expect.any(String), revokedReason: "stolen" });

    expect((await root.call("DELETE", `/keys/${key.id}`, undefined, from)).status).toBe(200);
    const deleted = await newest(t.store, "key.deleted");
    expect(deleted).toMatchObject({ actor: actor(), target, before: { ...owner, comment: "work laptop", revokedReason: "stolen" }, after: null });
  });

  it("records every key of a paste, and nothing for a refused one", async () => {
    const before = (await t.store.audit.page({ action: "key.added", limit: 100 })).items.length;
    const text = `${newKeyLine("one")}\n${newKeyLine("two")}`;
    expect((await root.call("POST", "/keys", { text }, from)).status).toBe(201);
    expect((await root.call("POST", "/keys", { text }, from)).status).toBe(409);
    const { items } = await t.store.audit.page({ action: "key.added", limit: 100 });
    expect(items.length - before).toBe(2);
    expect(items.slice(0, 2).map((e) => e.after?.owner)).toEqual(["root", "root"]);
  });

  it("records a user created, promoted, demoted, disabled and enabled; a no-op PATCH records nothing", async () => {
    const created = await root.call("POST", "/users", { username: "carol" }, from);
    expect(created.status).toBe(201);
    const target = { type: "user", id: created.body.user.id, name: "carol" };
    expect(await newest(t.store, "user.created")).toMatchObject({
      actor: actor(),
      ip: "203.0.113.7",
      target,
      before: null,
      after: { username: "carol", isAdmin: false, disabled: false },
    });

    expect((await root.call("PATCH", "/users/carol", { isAdmin: true, disabled: true }, from)).status).toBe(200);
    expect(await newest(t.store, "user.promoted")).toMatchObject({
      target,
      before: { username: "carol", isAdmin: false },
      after: { username: "carol", isAdmin: true },
    });
    expect(await newest(t.store, "user.disabled")).toMatchObject({ target, before: { disabled: false }, after: { disabled: true } });
    expect((await root.call("PATCH", "/users/carol", { isAdmin: false, disabled: false }, from)).status).toBe(200);
    expect(await newest(t.store, "user.demoted")).toMatchObject({ target, after: { isAdmin: false } });
    expect(await newest(t.store, "user.enabled")).toMatchObject({ target, after: { disabled: false } });

    const count = (await t.store.audit.page({ action: "user.", limit: 100 })).items.length;
    expect((await root.call("PATCH", "/users/carol", { isAdmin: false }, from)).status).toBe(200);
    expect((await t.store.audit.page({ action: "user.", limit: 100 })).items.length).toBe(count);
  });
});

describe.each(["memory", ...databaseKinds] as const)("sign-ins, sign-outs, CAs and JWKS URLs are audited, on %s", (kind) => {
  let t: TestServer<SshKeyStore>;
  beforeAll(async () => {
    t = await startTestServer(kind as "memory");
    await t.store.directory.addUser("root", { isAdmin: true });
  });
  afterAll(() => t?.close());

  it("records a console sign-in by link and its sign-out, without the session's secrets", async () => {
    const root = await signInTo(t.url, t.store, "root");
    const user = await t.store.directory.findUser("root");
    const signIn = await newest(t.store, "session.sign_in");
    expect(signIn).toMatchObject({ actor: { type: "user", id: user.id, name: "root" }, ip: "127.0.0.1", target: { type: "user", id: user.id, name: "root" } });
    expect(signIn.after).toEqual({ method: "link", expiresAt: expect.any(String) });
    expect((await root.call("POST", "/session/logout")).status).toBe(200);
    expect(await newest(t.store, "session.sign_out")).toMatchObject({ actor: { name: "root" }, after: { method: "logout" } });
    const all = JSON.stringify((await t.store.audit.page({ limit: 100 })).items);
    expect(all).not.toContain(root.csrf);
    expect(all).not.toContain(root.cookie.split("=")[1]);
  });

  it("records a CA trusted, revoked and removed, and a JWKS URL added and removed", async () => {
    const root = await signInTo(t.url, t.store, "root");
    const caKey = newKeyLine("corp-ca");
    expect((await root.call("POST", "/authorities", { name: "corp", key: caKey })).status).toBe(201);
    expect(await newest(t.store, "ca.trusted")).toMatchObject({ target: { type: "ca", name: "corp" }, before: null, after: { principalMap: "username" } });
    expect((await root.call("POST", "/authorities/corp/revoke", { serial: "42", reason: "lost" })).status).toBe(200);
    expect(await newest(t.store, "ca.certificate_revoked")).toMatchObject({ target: { name: "corp" }, after: { serial: "42", reason: "lost" } });
    expect((await root.call("POST", "/authorities/corp/revoke", { all: true })).status).toBe(200);
    expect(await newest(t.store, "ca.revoked")).toMatchObject({ before: { revokedAt: null }, after: { revokedAt: expect.any(String) } });
    expect((await root.call("DELETE", "/authorities/corp")).status).toBe(200);
    expect(await newest(t.store, "ca.removed")).toMatchObject({ target: { name: "corp" }, after: null });

    const url = "https://idp.example.com/.well-known/jwks.json";
    expect((await root.call("POST", "/jwks", { url })).status).toBe(201);
    expect(await newest(t.store, "jwks.added")).toMatchObject({ target: { type: "jwks", name: url }, after: { owner: "root", url } });
    expect((await root.call("DELETE", `/jwks?url=${encodeURIComponent(url)}`)).status).toBe(200);
    expect(await newest(t.store, "jwks.removed")).toMatchObject({ target: { name: url }, before: { owner: "root" }, after: null });
  });
});

describe("a change whose audit entry cannot be written", () => {
  it("stands, is answered 503 audit_unrecorded, and the lost entry goes to the server's log", async () => {
    const store = createMemoryStore();
    const logged: unknown[] = [];
    const app = express().use("/admin", createAdminRouter({ store, uiDir: false, log: (error) => logged.push(error) }));
    const server = app.listen(0, "127.0.0.1");
    await new Promise((resolve) => server.once("listening", resolve));
    try {
      await store.directory.addUser("root", { isAdmin: true });
      const root = await signInTo(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, store, "root");
      store.audit.append = () => Promise.reject(new Error("disk full"));

      const r = await root.call("POST", "/users", { username: "carol" });
      expect([r.status, r.body.error.code]).toEqual([503, "audit_unrecorded"]);
      expect(r.body.error.message).toMatch(/user\.created carol\) was made but could not be recorded/);
      expect(await store.directory.lookupUser("carol")).not.toBeNull();
      expect(logged).toHaveLength(1);
      expect(logged[0]).toBeInstanceOf(AuditWriteError);
      expect((logged[0] as AuditWriteError).record).toMatchObject({ action: "user.created", actor: { name: "root" }, target: { name: "carol" } });
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
