// Duplicate keys (issue 11, enumeration): a 409 must not tell a non-admin that another
// account holds a public key; administrators see who holds it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { databaseKinds } from "../../support/databases.js";
import { newKeyLine, signIn, startAdminServer, type AdminServer } from "../support.js";

describe.each(databaseKinds)("adding a key that is already stored, on %s", (kind) => {
  let server: AdminServer;
  const bobsKey = newKeyLine("bob's laptop");
  const alicesKey = newKeyLine("alice's laptop");

  beforeAll(async () => {
    server = await startAdminServer(kind);
    await server.store.directory.addUser("root", { isAdmin: true });
    await server.store.directory.addUser("alice");
    await server.store.directory.addUser("bob");
    await server.store.directory.addKey("bob", bobsKey);
    await server.store.directory.addKey("alice", alicesKey);
  });
  afterAll(() => server?.close());

  it("a non-admin adding another account's key hears only that it cannot be added", async () => {
    const alice = await signIn(server, "alice");
    const r = await alice.call("POST", "/keys", { text: bobsKey });
    expect([r.status, r.body.error.code]).toEqual([409, "key_exists"]);
    expect(r.body.error.message).toBe("this key cannot be added");
    expect(JSON.stringify(r.body)).not.toMatch(/bob|SHA256:|registered/);
  });

  it("a non-admin adding their own key again is told so", async () => {
    const alice = await signIn(server, "alice");
    const r = await alice.call("POST", "/keys", { text: alicesKey });
    expect([r.status, r.body.error.code, r.body.error.message]).toEqual([409, "key_exists", "you have already registered this key"]);
  });

  it("an administrator sees the fingerprint and who holds it; so does the directory (CLI)", async () => {
    const root = await signIn(server, "root");
    const r = await root.call("POST", "/keys", { text: bobsKey, username: "alice" });
    expect([r.status, r.body.error.code]).toEqual([409, "key_exists"]);
    expect(r.body.error.message).toMatch(/^key SHA256:\S+ is already registered to bob$/);
    await expect(server.store.directory.addKey("alice", bobsKey)).rejects.toMatchObject({
      code: "conflict",
      message: expect.stringMatching(/registered to bob$/),
    });
  });
});
