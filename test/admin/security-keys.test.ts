// Security keys (sk-*) in the admin API and the CLI: what they were added with is kept and
// shown, administrators set the per-user verification policy, and alarm events are listed.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../support/cli.js";
import { openPrismaStore } from "../../strategy/store/prisma/store.js";
import { createTestDatabase, databaseKinds } from "../support/databases.js";
import { softwareFidoKey } from "../support/software-fido.js";
import { newKeyLine, signIn, startAdminServer, type AdminServer } from "./support.js";

describe.each(databaseKinds)("security keys in the admin API and the CLI on %s", (kind) => {
  let server: AdminServer;
  beforeAll(async () => {
    server = await startAdminServer(kind);
    await server.store.directory.addUser("root", { isAdmin: true });
    await server.store.directory.addUser("alice");
  });
  afterAll(() => server?.close());

  it("keeps the authorized_keys options a key is added with and answers its security-key facts", async () => {
    const alice = await signIn(server, "alice");
    const fido = softwareFidoKey("ecdsa", "ssh:", "alice-yubikey");
    const preview = await alice.call("POST", "/keys/preview", { text: `verify-required ${fido.publicLine}` });
    expect(preview.body.keys[0]).toMatchObject({ ok: true, securityKey: { application: "ssh:", touchRequired: true, verifyRequired: true } });

    const added = await alice.call("POST", "/keys", { text: `no-touch-required,verify-required ${fido.publicLine}\n${newKeyLine("plain")}` });
    expect(added.status).toBe(201);
    const byComment = (comment: string) => added.body.keys.find((k: { comment: string }) => k.comment === comment);
    const [sk, plain] = [byComment("alice-yubikey"), byComment("plain")];
    expect(sk).toMatchObject({
      type: "sk-ecdsa-sha2-nistp256@openssh.com",
      comment: "alice-yubikey",
      securityKey: { application: "ssh:", touchRequired: false, verifyRequired: true, signCounter: null },
    });
    expect(plain.securityKey).toBeNull();
    const detail = await alice.call("GET", `/keys/${sk.id}`);
    expect(detail.body.key.securityKey).toEqual(sk.securityKey);
  });

  it("lets administrators, and only them, require user verification of a user", async () => {
    const alice = await signIn(server, "alice");
    expect((await alice.call("PATCH", "/users/alice", { requireUserVerification: true })).status).toBe(403);
    const root = await signIn(server, "root");
    const r = await root.call("PATCH", "/users/alice", { requireUserVerification: true });
    expect([r.status, r.body.user.requireUserVerification]).toEqual([200, true]);
    expect((await server.store.directory.findUser("alice")).requireUserVerification).toBe(true);
    expect((await root.call("PATCH", "/users/alice", { requireUserVerification: "yes" })).status).toBe(400);
    expect((await root.call("PATCH", "/users/alice", { requireUserVerification: false })).body.user.requireUserVerification).toBe(false);
  });

  it("lists alarm events, filtered by outcome", async () => {
    const root = await signIn(server, "root");
    const alice = await server.store.directory.findUser("alice");
    const [key] = await server.store.directory.listKeys("alice");
    const at = new Date(server.clock.now);
    const event = { at, scheme: "sshsig", userId: alice.id, username: "alice", keyId: key!.id, ip: null, userAgent: null };
    server.store.events.record({ ...event, outcome: "success", errorCode: null });
    server.store.events.record({ ...event, outcome: "alarm", errorCode: "sign_counter_regressed" });
    await server.store.events.flush();
    const alarms = await root.call("GET", "/events?outcome=alarm");
    expect(alarms.status).toBe(200);
    expect(alarms.body.events.map((e: { outcome: string; errorCode: string }) => [e.outcome, e.errorCode])).toEqual([["alarm", "sign_counter_regressed"]]);
    const ofKey = await root.call("GET", `/keys/${key!.id}`);
    expect(ofKey.body.events.map((e: { outcome: string }) => e.outcome)).toEqual(["alarm", "success"]);
  });
});

describe.each(databaseKinds)("security keys in the CLI on %s", (kind) => {
  it("stores a key file's options and sets the user's verification policy", async () => {
    const db = await createTestDatabase(kind);
    const env = { DATABASE_URL: db.url };
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pssk-fido-"));
    try {
      const fido = softwareFidoKey("ed25519", "ssh:", "bob-yubikey");
      fs.writeFileSync(path.join(dir, "authorized_keys"), `no-touch-required ${fido.publicLine}\n`);
      expect((await runCli(["users", "add", "bob"], { env })).code).toBe(0);
      expect((await runCli(["keys", "add", "bob", path.join(dir, "authorized_keys")], { env })).code).toBe(0);
      expect(await runCli(["users", "require-verification", "bob"], { env })).toMatchObject({
        code: 0,
        stdout: "user bob must verify (PIN) on security keys\n",
      });
      const list = await runCli(["users", "list"], { env });
      expect(list.stdout).toMatch(/^USERNAME\s+ADMIN\s+DISABLED\s+VERIFY/);
      expect(list.stdout).toMatch(/\nbob\s+no\s+no\s+yes\s/);

      const store = await openPrismaStore({ url: db.url });
      try {
        const [stored] = await store.directory.listKeys("bob");
        expect(stored).toMatchObject({ type: "sk-ssh-ed25519@openssh.com", touchRequired: false, verifyRequired: false, signCounter: null });
        expect((await store.directory.findUser("bob")).requireUserVerification).toBe(true);
        expect((await runCli(["users", "waive-verification", "bob"], { env })).code).toBe(0);
        expect((await store.directory.findUser("bob")).requireUserVerification).toBe(false);
      } finally {
        await store.close();
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
      await db.drop();
    }
  }, 60_000);
});
