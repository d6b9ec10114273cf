// A user's JWKS URLs through the admin API: each user manages their own, an admin anyone's,
// on the store the strategy reads, so a URL added here signs a JWT in on the next request and
// its last use and fetch error show up here.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { databaseKinds } from "../../support/databases.js";
import { jwksToken, keyPairFor, publicJwk, startJwksServer, type JwksServer } from "../../support/jwks-server.js";
import { startTestServer, type MemoryTestServer } from "../../support/server.js";
import { signInTo, type Client } from "../support.js";

describe.each(["memory", ...databaseKinds] as const)("JWKS URLs in the admin API on %s", (kind) => {
  let t: MemoryTestServer;
  let jwks: JwksServer;
  let root: Client;
  let alice: Client;
  let bob: Client;
  const key = keyPairFor("ES256");

  beforeAll(async () => {
    jwks = await startJwksServer({ body: { keys: [publicJwk(key.publicKey, "laptop")] } });
    // The JWKS server is on loopback: private addresses allowed.
    const options = { exposeErrorCodes: true, jwks: { allowPrivateAddresses: true } };
    t = kind === "memory" ? await startTestServer("memory", options) : await startTestServer(kind, options);
    await t.store.directory.addUser("root", { isAdmin: true });
    for (const name of ["alice", "bob"]) await t.store.directory.addUser(name);
    [root, alice, bob] = (await Promise.all(["root", "alice", "bob"].map((name) => signInTo(t.url, t.store, name)))) as [Client, Client, Client];
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await jwks?.close();
  });

  it("a user adds a URL of their own, signs in with a key of it, and sees its last use and fetch", async () => {
    const added = await alice.call("POST", "/jwks", { url: jwks.url });
    expect(added.status).toBe(201);
    expect(added.body.endpoint).toMatchObject({ username: "alice", url: jwks.url, lastUsedAt: null, lastFetchError: null });
    const r = await fetch(`${t.url}/whoami`, { headers: { authorization: await jwksToken("alice", key.privateKey, "ES256", "laptop", t.clock.now) } });
    expect(r.status).toBe(200);
    await expect
      .poll(async () => (await alice.call("GET", "/jwks")).body.endpoints[0])
      .toMatchObject({ url: jwks.url, lastUsedAt: new Date(t.clock.now).toISOString(), lastFetchError: null });
    expect((await alice.call("POST", "/jwks", { url: jwks.url })).body.error.code).toBe("jwks_endpoint_exists");
    await t.store.events.flush();
    const events = await root.call("GET", "/events?user=alice");
    expect(events.body.events[0]).toMatchObject({ outcome: "success", keyId: null, certificate: null, jwks: { url: jwks.url, kid: "laptop" } });
  });

  it("refuses a URL that is not one, and unknown fields", async () => {
    for (const body of [{ url: "ftp://example.com/jwks" }, { url: "" }, { url: "https://example.com/", extra: 1 }, { url: 7 }]) {
      const r = await alice.call("POST", "/jwks", body);
      expect([r.status, r.body.error.code], JSON.stringify(body)).toEqual([400, "invalid_body"]);
    }
  });

  it("a user cannot see or change another user's URLs; an admin can", async () => {
    expect((await bob.call("GET", "/jwks?user=alice")).body.error.code).toBe("forbidden");
    expect((await bob.call("POST", "/jwks", { url: "https://example.com/jwks", username: "alice" })).status).toBe(403);
    expect((await bob.call("DELETE", `/jwks?user=alice&url=${encodeURIComponent(jwks.url)}`)).status).toBe(403);
    expect((await bob.call("GET", "/jwks")).body).toEqual({ endpoints: [] });
    const listed = await root.call("GET", "/jwks?user=alice");
    expect(listed.body.endpoints.map((e: { url: string }) => e.url)).toEqual([jwks.url]);
    expect((await root.call("POST", "/jwks", { url: "https://keys.example.com/jwks.json", username: "bob" })).status).toBe(201);
    expect((await root.call("GET", "/jwks?user=nobody")).body.error.code).toBe("user_not_found");
    expect((await root.call("POST", "/jwks", { url: "https://keys.example.com/jwks.json", username: "nobody" })).body.error.code).toBe("user_not_found");
  });

  it("removing a URL stops its keys on the next request", async () => {
    const removed = await root.call("DELETE", `/jwks?user=alice&url=${encodeURIComponent(jwks.url)}`);
    expect(removed.body).toEqual({ deleted: true, url: jwks.url });
    const r = await fetch(`${t.url}/whoami`, { headers: { authorization: await jwksToken("alice", key.privateKey, "ES256", "laptop", t.clock.now) } });
    expect(r.status).toBe(401);
    expect((await alice.call("DELETE", `/jwks?url=${encodeURIComponent(jwks.url)}`)).body.error.code).toBe("jwks_endpoint_not_found");
    expect((await root.call("DELETE", `/jwks?user=nobody&url=${encodeURIComponent(jwks.url)}`)).body.error.code).toBe("user_not_found");
  });
});
