// Changes made with the CLI are audited as `cli` with the operating-system user running it
// (from the password database: an exported USER or LOGNAME does not change it).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openPrismaStore, type PrismaStore } from "../../strategy/store/prisma/store.js";
import { newKeyLine } from "../admin/support.js";
import { runCli } from "../support/cli.js";
import { createTestDatabase, databaseKinds, type TestDatabase } from "../support/databases.js";

const osUser = os.userInfo().username;

describe.each(databaseKinds)("CLI changes are audited, on %s", (kind) => {
  let db: TestDatabase;
  let store: PrismaStore;
  let env: Record<string, string>;
  let dir: string;
  const cli = async (...args: string[]) => {
    const r = await runCli(args, { env });
    expect(r.code, r.stderr).toBe(0);
    return r.stdout;
  };
  const newest = async (action: string) => (await store.audit.page({ action, limit: 1 })).items[0];

  beforeAll(async () => {
    db = await createTestDatabase(kind);
    store = await openPrismaStore({ url: db.url });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "pssk-audit-"));
    env = { DATABASE_URL: db.url, USER: "mallory", LOGNAME: "mallory" };
  });
  afterAll(async () => {
    await store?.close();
    await db?.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("records users add, promote, disable and remove", async () => {
    await cli("users", "add", "dave");
    const dave = await store.directory.findUser("dave");
    const target = { type: "user", id: dave.id, name: "dave" };
    expect(await newest("user.created")).toMatchObject({
      actor: { type: "cli", name: osUser },
      ip: null,
      target,
      before: null,
      after: { username: "dave", isAdmin: false },
    });
    expect(osUser).not.toBe("mallory");
    await cli("users", "promote", "dave");
    expect(await newest("user.promoted")).toMatchObject({ target, before: { isAdmin: false }, after: { isAdmin: true } });
    await cli("users", "disable", "dave");
    expect(await newest("user.disabled")).toMatchObject({ target, after: { disabled: true } });
    await cli("users", "remove", "dave");
    expect(await newest("user.deleted")).toMatchObject({ actor: { type: "cli", name: osUser }, target, before: { username: "dave" }, after: null });
  });

  it("records keys add, revoke and remove with the key's fingerprint and owner", async () => {
    await cli("users", "add", "erin");
    const erin = await store.directory.findUser("erin");
    const file = path.join(dir, "erin.pub");
    fs.writeFileSync(file, `${newKeyLine("erin@laptop")}\n`);
    const fingerprint = (await cli("keys", "add", "erin", file)).trim();
    const key = await store.directory.findKey(fingerprint);
    const target = { type: "key", id: key.id, name: fingerprint };
    const owner = { owner: "erin", ownerId: erin.id };
    expect(await newest("key.added")).toMatchObject({
      actor: { type: "cli", name: osUser },
      target,
      before: null,
      after: { ...owner, comment: "erin@laptop" },
    });
    await cli("keys", "revoke", fingerprint, "--reason", "left the company");
    expect(await newest("key.revoked")).toMatchObject({
      target,
      before: { ...owner, revokedAt: null },
      after: { ...owner, revokedReason: "left the company" },
    });
    await cli("keys", "remove", fingerprint);
    expect(await newest("key.deleted")).toMatchObject({ target, before: { ...owner, comment: "erin@laptop" }, after: null });
  });

  it("records nothing for a refused change", async () => {
    const count = (await store.audit.page({ limit: 100 })).items.length;
    expect((await runCli(["users", "add", "erin"], { env })).code).not.toBe(0);
    expect((await store.audit.page({ limit: 100 })).items.length).toBe(count);
  });
});
