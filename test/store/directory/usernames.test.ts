// Lookalike usernames (issue 11, low): `аlice` with a Cyrillic а, a whole-script lookalike,
// a case variant or a fullwidth form of an existing name is refused with a clear code;
// ordinary Unicode names stay allowed, as upstream clients allow them.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DirectoryError } from "../../../strategy/store/index.js";
import { databaseKinds } from "../../support/databases.js";
import { signIn, startAdminServer, type AdminServer } from "../../admin/support.js";
import { refusalOf } from "../../support/refusal.js";

const refusal = (promise: Promise<unknown>) => refusalOf(promise, DirectoryError);

describe.each(databaseKinds)("username rules on %s", (kind) => {
  let server: AdminServer;

  beforeAll(async () => {
    server = await startAdminServer(kind);
    await server.store.directory.addUser("root", { isAdmin: true });
    await server.store.directory.addUser("alice");
    await server.store.directory.addUser("coe");
  });
  afterAll(() => server?.close());

  it("refuses mixed scripts, even with no lookalike stored yet", async () => {
    for (const name of ["\u0430lice", "b\u043eb", "p\u0430ypal-admin", "\u03b1dmin"]) {
      const error = await refusal(server.store.directory.addUser(name));
      expect([name, error.code]).toEqual([name, "invalid"]);
      expect(error.message).toMatch(/several scripts/);
    }
  });

  it("refuses fullwidth and other compatibility forms", async () => {
    const error = await refusal(server.store.directory.addUser("\uff41\uff4c\uff49\uff43\uff45"));
    expect(error.code).toBe("invalid");
    expect(error.message).toMatch(/compatibility forms/);
  });

  it("refuses a name that passes for an existing one: case, whole-script lookalikes, 0/o and 1/l", async () => {
    for (const name of ["Alice", "ALICE", "\u0441\u043e\u0435", "c0e", "a1ice"]) {
      const error = await refusal(server.store.directory.addUser(name));
      expect([name, error.code]).toEqual([name, "confusable"]);
    }
  });

  it("accepts ordinary names in one script", async () => {
    for (const name of ["józef", "Привет", "日本語ユーザー", "o'brien", "dev.ops+ci@example", "user-42"]) {
      expect((await server.store.directory.addUser(name)).username).toBe(name);
    }
  });

  it("the admin API answers 400 invalid_body for a mixed-script name and 409 username_confusable for a lookalike", async () => {
    const root = await signIn(server, "root");
    const mixed = await root.call("POST", "/users", { username: "\u0430lice" });
    expect([mixed.status, mixed.body.error.code]).toEqual([400, "invalid_body"]);
    const lookalike = await root.call("POST", "/users", { username: "Alice" });
    expect([lookalike.status, lookalike.body.error.code]).toEqual([409, "username_confusable"]);
    expect(await server.store.database.prisma.user.count({ where: { username: { in: ["\u0430lice", "Alice"] } } })).toBe(0);
  });
});
