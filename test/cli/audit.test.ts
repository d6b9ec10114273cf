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

  it("audit list --json shows the entries newest first, filtered by action prefix, actor, target and time", async () => {
    const list = async (...args: string[]) => JSON.parse(await cli("audit", "list", "--json", ...args)) as Record<string, any>[];
    const all = await list();
    expect(all.map((e) => e.action).slice(0, 3)).toEqual(["key.deleted", "key.revoked", "key.added"]);
    expect(all[0]).toMatchObject({ label: "Key deleted", actor: { type: "cli", name: osUser }, target: { type: "key" }, after: null });
    expect((await list("--action", "user.")).every((e) => e.action.startsWith("user."))).toBe(true);
    expect((await list("--target", "dave")).map((e) => e.action)).toEqual(["user.deleted", "user.disabled", "user.promoted", "user.created"]);
    expect(await list("--actor", "no-such-actor")).toEqual([]);
    expect((await list("--limit", "2")).length).toBe(2);
    expect((await list("--since", "1h")).length).toBe(all.length);
    expect(await list("--since", "2999-01-01")).toEqual([]);
  });

  it("audit list prints a table, and refuses a bad --since or --limit", async () => {
    const lines = (await cli("audit", "list", "--action", "key.revoked")).trimEnd().split("\n");
    expect(lines[0]).toMatch(/^AT\s+ACTION\s+ACTOR\s+FROM\s+TARGET\s+CHANGE$/);
    expect(lines[1]).toMatch(
      new RegExp(`key\\.revoked\\s+cli:${osUser}\\s+-\\s+key SHA256:\\S+\\s+revokedAt: - → \\d{4}-.*revokedReason: - → left the company`),
    );
    for (const [flag, value] of [
      ["--since", "yesterday"],
      ["--limit", "0"],
      ["--limit", "many"],
    ]) {
      const r = await runCli(["audit", "list", flag!, value!], { env });
      expect([r.code, r.stderr]).toEqual([1, expect.stringContaining(flag!)]);
    }
  });

  it("records nothing for a refused change", async () => {
    const count = (await store.audit.page({ limit: 100 })).items.length;
    expect((await runCli(["users", "add", "erin"], { env })).code).not.toBe(0);
    expect((await store.audit.page({ limit: 100 })).items.length).toBe(count);
  });
});
