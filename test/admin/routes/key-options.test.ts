// authorized_keys options through the admin API on every store: previewed per line, stored
// with the key, shown (from= as enforced on HTTP, the rest as sshd's), replaced or cleared by PATCH.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { databaseKinds } from "../../support/databases.js";
import { startTestServer, type MemoryTestServer } from "../../support/server.js";
import { newKeyLine, signInTo, type Client } from "../support.js";

describe.each(["memory", ...databaseKinds] as const)("key options in the admin API, on %s", (kind) => {
  let server: MemoryTestServer;
  let alice: Client;
  let bob: Client;
  const line = `from="10.0.0.0/8",NO-PTY,command="/usr/bin/backup \\"nightly\\"",expiry-time="20991231Z" ${newKeyLine("backup")}`;
  const stored = 'from="10.0.0.0/8",no-pty,command="/usr/bin/backup \\"nightly\\""';
  const shown = [
    { name: "from", value: "10.0.0.0/8", enforcedOnHttp: true },
    { name: "no-pty", value: null, enforcedOnHttp: false },
    { name: "command", value: '/usr/bin/backup "nightly"', enforcedOnHttp: false },
  ];

  beforeAll(async () => {
    server = kind === "memory" ? await startTestServer(kind) : await startTestServer(kind);
    await server.store.directory.addUser("alice");
    await server.store.directory.addUser("bob");
    alice = await signInTo(server.url, server.store, "alice");
    bob = await signInTo(server.url, server.store, "bob");
  }, 30_000);
  afterAll(() => server?.close());

  it("preview shows each line's options, its expiry-time, and names a refused option", async () => {
    const r = await alice.call("POST", "/keys/preview", { text: `${line}\nprincipals="x" ${newKeyLine()}\ncommand="a\\"b ${newKeyLine()}` });
    expect(r.status).toBe(200);
    expect(r.body.keys[0]).toMatchObject({ ok: true, sshOptions: stored, options: shown, expiryTime: "2099-12-31T00:00:00.000Z" });
    expect(r.body.keys[1]).toMatchObject({
      ok: false,
      line: 2,
      problem: { message: expect.stringMatching(/^principals= applies only to a cert-authority line/) },
    });
    expect(r.body.keys[2]).toMatchObject({ ok: false, line: 3, problem: { code: "malformed_key" } });
  });

  it("adding stores them with the key; expiry-time becomes its expiry; list and detail show them", async () => {
    const added = await alice.call("POST", "/keys", { text: line });
    expect(added.status).toBe(201);
    const [key] = added.body.keys;
    expect(key).toMatchObject({ sshOptions: stored, options: shown, expiresAt: "2099-12-31T00:00:00.000Z" });
    expect((await alice.call("GET", "/keys")).body.keys[0]).toMatchObject({ id: key.id, sshOptions: stored });
    expect((await alice.call("GET", `/keys/${key.id}`)).body.key).toMatchObject({ sshOptions: stored, options: shown });
    expect((await server.store.directory.findKeyById(key.id)).sshOptions).toBe(stored);
  });

  it("refuses a paste with an option sshd would refuse, naming it, and stores nothing", async () => {
    for (const [text, message] of [
      [`cert-authority ${newKeyLine()}`, /cert-authority/],
      [`bogus ${newKeyLine()}`, /"bogus"/],
      [`command="" ${newKeyLine()}`, /empty value/],
      [`command="${"x".repeat(5000)}" ${newKeyLine()}`, /longer than 4 KiB/],
    ] as const) {
      const r = await alice.call("POST", "/keys", { text });
      expect([r.status, r.body.error.code]).toEqual([400, "invalid_keys"]);
      expect(r.body.error.keys[0].problem.message).toMatch(message);
    }
    expect((await alice.call("GET", "/keys")).body.keys).toHaveLength(1);
  });

  it("PATCH replaces or clears them with the same checks; only the owner (or an admin) may", async () => {
    const [key] = (await alice.call("GET", "/keys")).body.keys;
    const replaced = await alice.call("PATCH", `/keys/${key.id}`, { sshOptions: 'restrict,From="192.0.2.0/24"' });
    expect(replaced).toMatchObject({ status: 200, body: { key: { sshOptions: 'restrict,from="192.0.2.0/24"', expiresAt: "2099-12-31T00:00:00.000Z" } } });
    for (const [sshOptions, message] of [
      ["no-pty,bogus", /"bogus"/],
      ['command="a', /no closing quote/],
      ["no-pty ssh-ed25519 AAAA", /without the key/],
      ['expiry-time="20990101Z"', /expiry/],
      ["verify-required", /security key/],
      ['from="10.0.0.0/40"', /prefix/],
    ] as const) {
      const r = await alice.call("PATCH", `/keys/${key.id}`, { sshOptions });
      expect(r.status, sshOptions).toBe(400);
      expect(r.body.error.message).toMatch(message);
    }
    const injected = await alice.call("PATCH", `/keys/${key.id}`, { sshOptions: 'command="a"\nssh-ed25519 AAAA' });
    expect(injected.status).toBe(400);
    expect((await bob.call("PATCH", `/keys/${key.id}`, { sshOptions: null })).status).toBe(404);
    expect((await alice.call("PATCH", `/keys/${key.id}`, { sshOptions: "" })).body.key).toMatchObject({ sshOptions: null, options: [] });
    expect((await alice.call("PATCH", `/keys/${key.id}`, { sshOptions: "no-pty" })).body.key.sshOptions).toBe("no-pty");
    expect((await alice.call("PATCH", `/keys/${key.id}`, { sshOptions: null })).body.key.sshOptions).toBeNull();
  });
});
