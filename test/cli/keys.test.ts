// `keys list --json` with each key's usage over the last 30 days, from logins through the demo
// server on the same database (the CLI reads it as a separate process would).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../support/cli.js";
import { databaseKinds } from "../support/databases.js";
import { freshKeyPair } from "../support/fresh-keys.js";
import { startTestServer, type TestServer } from "../support/server.js";
import { jwtFor, spkiPem } from "../support/tokens.js";

describe.each(databaseKinds)("keys list --json usage30d on %s", (kind) => {
  let t: TestServer;
  const used = freshKeyPair("ed25519");
  const idle = freshKeyPair("ed25519");
  beforeAll(async () => {
    t = await startTestServer(kind);
    await t.store.directory.addUser("alice");
    await t.store.directory.addKey("alice", spkiPem(used.publicKey), { comment: "used" });
    await t.store.directory.addKey("alice", spkiPem(idle.publicKey), { comment: "idle" });
  });
  afterAll(async () => {
    await t?.close();
  });

  it("totals each key's successes and failures; a key without use has zeros", async () => {
    const token = jwtFor("alice", used.privateKey, { time: Math.floor(t.clock.now / 1000) });
    for (const status of [200, 401]) expect((await fetch(`${t.url}/whoami`, { headers: { authorization: token } })).status).toBe(status);
    expect(
      (await fetch(`${t.url}/whoami`, { headers: { authorization: jwtFor("alice", used.privateKey, { time: Math.floor(t.clock.now / 1000) }) } })).status,
    ).toBe(200);
    // Thirty-one days ago: outside the window.
    t.clock.now -= 31 * 86_400_000;
    expect(
      (await fetch(`${t.url}/whoami`, { headers: { authorization: jwtFor("alice", used.privateKey, { time: Math.floor(t.clock.now / 1000) }) } })).status,
    ).toBe(200);
    await t.store.events.flush();

    const r = await runCli(["keys", "list", "alice", "--json"], { env: { DATABASE_URL: t.database.url } });
    expect(r.code, r.stderr).toBe(0);
    const byComment = Object.fromEntries((JSON.parse(r.stdout) as Array<{ comment: string; usage30d: unknown }>).map((k) => [k.comment, k.usage30d]));
    expect(byComment).toEqual({ used: { successes: 2, failures: 1 }, idle: { successes: 0, failures: 0 } });
  });
});
