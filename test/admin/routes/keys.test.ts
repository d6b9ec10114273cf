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
    expect(r.body.error.message).toBe("the key on line 1 cannot be added");
    expect(JSON.stringify(r.body)).not.toMatch(/bob|SHA256:|registered/);
    // Nor does the preview: the key is marked as one that cannot be added, and nothing more.
    const preview = await alice.call("POST", "/keys/preview", { text: bobsKey });
    expect(preview.body.keys[0].registered).toEqual({ account: "other", name: null, holder: null });
  });

  it("a non-admin adding their own key again is told so", async () => {
    const alice = await signIn(server, "alice");
    const r = await alice.call("POST", "/keys", { text: alicesKey });
    expect([r.status, r.body.error.code]).toEqual([409, "key_exists"]);
    expect(r.body.error.message).toMatch(/^key SHA256:\S+ \(line 1\) is already on your account as "alice's laptop"$/);
  });

  it("an administrator sees the fingerprint and who holds it; so does the directory (CLI)", async () => {
    const root = await signIn(server, "root");
    const r = await root.call("POST", "/keys", { text: bobsKey, username: "alice" });
    expect([r.status, r.body.error.code]).toEqual([409, "key_exists"]);
    expect(r.body.error.message).toMatch(/^key SHA256:\S+ \(line 1\) is already registered to bob$/);
    await expect(server.store.directory.addKey("alice", bobsKey)).rejects.toMatchObject({
      code: "conflict",
      message: expect.stringMatching(/registered to bob$/),
    });
  });
});

// Issue 18: the Add-keys preview marks keys already registered; a multi-key paste names each key
// and may skip its bad lines; the save error names the key.
describe.each(databaseKinds)("adding several pasted keys, on %s", (kind) => {
  let server: AdminServer;
  const carolsKey = newKeyLine("carol's laptop");

  beforeAll(async () => {
    server = await startAdminServer(kind);
    await server.store.directory.addUser("root", { isAdmin: true });
    await server.store.directory.addUser("carol");
    await server.store.directory.addUser("dave");
    await server.store.directory.addKey("carol", carolsKey, { comment: "work laptop" });
  });
  afterAll(() => server?.close());

  it("the preview marks this account's key with its name there, and names another account's holder only to an admin", async () => {
    const carol = await signIn(server, "carol");
    const fresh = newKeyLine("new");
    const mine = await carol.call("POST", "/keys/preview", { text: `${carolsKey}\n${fresh}` });
    expect(mine.body.keys.map((k: { registered: unknown }) => k.registered)).toEqual([{ account: "this", name: "work laptop", holder: null }, null]);
    const root = await signIn(server, "root");
    const forDave = await root.call("POST", "/keys/preview", { text: carolsKey, username: "dave" });
    expect(forDave.body.keys[0].registered).toEqual({ account: "other", name: null, holder: "carol" });
    const forCarol = await root.call("POST", "/keys/preview", { text: carolsKey, username: "carol" });
    expect(forCarol.body.keys[0].registered).toEqual({ account: "this", name: "work laptop", holder: null });
    const dave = await signIn(server, "dave");
    expect((await dave.call("POST", "/keys/preview", { text: carolsKey, username: "carol" })).status).toBe(403);
  });

  it("select adds only the chosen lines, each with its own name; bad lines left out do not block the good ones", async () => {
    const dave = await signIn(server, "dave");
    const [a, b] = [newKeyLine("a"), newKeyLine("b")];
    const text = [a, "not a key", b].join("\n");
    const blocked = await dave.call("POST", "/keys", { text });
    expect([blocked.status, blocked.body.error.code]).toEqual([400, "invalid_keys"]);
    const r = await dave.call("POST", "/keys", {
      text,
      select: [
        { line: 1, comment: "laptop" },
        { line: 3, comment: "desktop" },
      ],
    });
    expect(r.status).toBe(201);
    expect(r.body.keys.map((k: { comment: string }) => k.comment).sort()).toEqual(["desktop", "laptop"]);
    // Without a name a key keeps its own comment; a line that is not a key, or not in the text, is refused.
    const c = newKeyLine("own-comment");
    expect((await dave.call("POST", "/keys", { text: `junk\n${c}`, select: [{ line: 2 }] })).body.keys[0].comment).toBe("own-comment");
    const bad = await dave.call("POST", "/keys", { text: `junk\n${newKeyLine()}`, select: [{ line: 1 }] });
    expect([bad.status, bad.body.error.code]).toEqual([400, "invalid_keys"]);
    const missing = await dave.call("POST", "/keys", { text: newKeyLine(), select: [{ line: 7 }] });
    expect([missing.status, missing.body.error.code]).toEqual([400, "invalid_request"]);
    const hostile = await dave.call("POST", "/keys", { text: newKeyLine(), select: [{ line: -1 }, { line: "1" }] });
    expect(hostile.status).toBe(400);
    const privateName = await dave.call("POST", "/keys", { text: newKeyLine(), select: [{ line: 1, comment: "-----BEGIN OPENSSH PRIVATE KEY-----" }] });
    expect(privateName.body.error.code).toBe("private_key");
  });

  it("the save refusal for a registered key names the key and its line", async () => {
    const root = await signIn(server, "root");
    const r = await root.call("POST", "/keys", { text: `${newKeyLine("x")}\n${carolsKey}`, username: "dave" });
    expect([r.status, r.body.error.code]).toEqual([409, "key_exists"]);
    expect(r.body.error.message).toMatch(/^key SHA256:\S+ \(line 2\) is already registered to carol$/);
  });
});

// Issue 18: the key list and the key's page agree on use counts at once, although a key's
// last-used columns are written at most once a minute; refused attempts show on the key's page.
describe.each(databaseKinds)("use counts and attempts of a key, on %s", (kind) => {
  let server: AdminServer;
  let keyId: string;
  let userId: string;

  beforeAll(async () => {
    server = await startAdminServer(kind);
    userId = (await server.store.directory.addUser("erin")).id;
    keyId = (await server.store.directory.addKey("erin", newKeyLine("erin-laptop"))).id;
  });
  afterAll(() => server?.close());

  const attempt = (outcome: "success" | "failure", errorCode: string | null = null) =>
    server.store.events.record({
      at: new Date(server.clock.now),
      scheme: "jwt",
      outcome,
      errorCode,
      userId,
      username: "erin",
      keyId,
      ip: "192.0.2.7",
      userAgent: "test",
    });

  it("the list, the key's page and its daily counts show every sign-in, without waiting for the once-a-minute write", async () => {
    attempt("success");
    await server.store.events.flush();
    attempt("success");
    attempt("success");
    attempt("failure", "key_revoked");
    // Events and daily counts are written within the flush interval (20 ms here), last-used not yet.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const erin = await signIn(server, "erin");
    const list = await erin.call("GET", "/keys");
    const page = await erin.call("GET", `/keys/${keyId}`);
    expect(list.body.keys[0].useCount).toBe(3);
    expect(page.body.key.useCount).toBe(3);
    expect(page.body.usage.reduce((sum: number, day: { successes: number }) => sum + day.successes, 0)).toBe(3);
    expect(list.body.keys[0].lastUsedIp).toBe("192.0.2.7");
    // The refused attempt is on the key's page, with its code.
    expect(page.body.events.filter((e: { outcome: string }) => e.outcome === "failure").map((e: { errorCode: string }) => e.errorCode)).toEqual([
      "key_revoked",
    ]);
    // And once written, nothing is counted twice.
    await server.store.events.flush();
    expect((await erin.call("GET", "/keys")).body.keys[0].useCount).toBe(3);
  });
});
