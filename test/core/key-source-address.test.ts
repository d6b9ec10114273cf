// A key stored with authorized_keys `from="…"` signs in over HTTP only from an address it allows,
// the address as Express sees it (`trust proxy`), on every store and for every scheme.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDemoApp } from "../../strategy/server/demo-app.js";
import { SshKeyStrategy } from "../../strategy/strategy.js";
import { createMemoryStore, type SshKeyStore } from "../../strategy/store/index.js";
import { openPrismaStore } from "../../strategy/store/prisma/store.js";
import { createTestDatabase, databaseKinds, type TestDatabase } from "../support/databases.js";
import { freshKeyPair } from "../support/fresh-keys.js";
import { getJson } from "../support/server.js";
import { signedSshsig, sshsigNonce } from "../support/sshsig.js";
import { KeyDir } from "../support/ssh-keygen.js";
import { jwtFor } from "../support/tokens.js";
import { publicKeyFromKeyObject } from "../../strategy/keys/index.js";

describe.each(["memory", ...databaseKinds] as const)("from= on HTTP sign-in, on %s", (kind) => {
  const keys = new KeyDir();
  const jwtKey = freshKeyPair("ed25519");
  const openKey = freshKeyPair("ed25519");
  let database: TestDatabase | undefined;
  let store: SshKeyStore;
  const servers: http.Server[] = [];
  const hosts: { proxied: string; direct: string } = { proxied: "", direct: "" };

  async function listen(trustProxy: string | false): Promise<string> {
    const strategy = new SshKeyStrategy({ store, schemes: ["jwt", "sshsig"] });
    const server = http.createServer(createDemoApp({ strategy, log: () => {}, admin: false, trustProxy }));
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return `127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  beforeAll(async () => {
    database = kind === "memory" ? undefined : await createTestDatabase(kind);
    store = database ? await openPrismaStore({ url: database.url, activity: { flushEveryMs: 20 } }) : createMemoryStore();
    await store.directory.addUser("alice");
    await store.directory.addUser("bob");
    const from = 'from="203.0.113.0/24,!203.0.113.66,127.0.0.*"';
    await store.directory.addKey("alice", `${from},no-pty ${publicKeyFromKeyObject(jwtKey.publicKey).openssh}`);
    await store.directory.addKey("alice", `from="198.51.100.1",command="true" ${keys.sshKeygen("signer", "ed25519")}`);
    await store.directory.addKey("bob", `no-pty ${publicKeyFromKeyObject(openKey.publicKey).openssh}`);
    hosts.proxied = await listen("loopback");
    hosts.direct = await listen(false);
  }, 30_000);
  afterAll(async () => {
    for (const server of servers) {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
    await store.close();
    await database?.drop();
    keys.cleanup();
  });

  const jwt = (host: string, headers: Record<string, string> = {}, user = "alice", key = jwtKey.privateKey) =>
    getJson(`http://${host}/whoami`, { authorization: jwtFor(user, key, { time: Date.now() / 1000 }), ...headers });
  const sshsig = (host: string, headers: Record<string, string> = {}) =>
    getJson(`http://${host}/whoami`, {
      authorization: signedSshsig(keys.path("signer.pub"), { username: "alice", time: Math.floor(Date.now() / 1000), nonce: sshsigNonce(), host }),
      ...headers,
    });
  const refused = { status: 401, body: { error: { code: "source_address_not_allowed" } } };

  it("behind a trusted proxy, the forwarded client address decides", async () => {
    expect(await jwt(hosts.proxied, { "x-forwarded-for": "203.0.113.7" })).toMatchObject({ status: 200, body: { username: "alice" } });
    expect(await jwt(hosts.proxied, { "x-forwarded-for": "203.0.113.66" })).toMatchObject(refused);
    expect(await jwt(hosts.proxied, { "x-forwarded-for": "192.0.2.1" })).toMatchObject(refused);
    // No header: the proxy's own (loopback) address, which the list allows.
    expect(await jwt(hosts.proxied)).toMatchObject({ status: 200 });
  });

  it("without trust proxy, X-Forwarded-For is ignored: the socket's address decides", async () => {
    expect(await jwt(hosts.direct, { "x-forwarded-for": "192.0.2.1" })).toMatchObject({ status: 200 });
    expect(await sshsig(hosts.direct, { "x-forwarded-for": "198.51.100.1" })).toMatchObject(refused);
  });

  it("applies to every scheme (SSHSIG here), and keys without from= sign in from anywhere", async () => {
    expect(await sshsig(hosts.proxied, { "x-forwarded-for": "198.51.100.1" })).toMatchObject({ status: 200, body: { username: "alice" } });
    expect(await sshsig(hosts.proxied, { "x-forwarded-for": "198.51.100.2" })).toMatchObject(refused);
    expect(await jwt(hosts.proxied, { "x-forwarded-for": "192.0.2.1" }, "bob", openKey.privateKey)).toMatchObject({ status: 200 });
  });

  it("a stranger with no key learns nothing of it; a refusal is recorded with its code, user, key and address", async () => {
    const stranger = await jwt(hosts.proxied, { "x-forwarded-for": "192.0.2.9" }, "alice", freshKeyPair("ed25519").privateKey);
    expect(stranger).toMatchObject({ status: 401, body: { error: { code: "invalid_credentials" } } });
    await store.events.flush();
    const { items } = await store.eventLog.page({ username: "alice", outcome: "failure", limit: 50 });
    const event = items.find((e) => e.errorCode === "source_address_not_allowed" && e.ip === "203.0.113.66");
    expect(event).toMatchObject({ username: "alice", userId: expect.any(String), keyId: expect.any(String), scheme: "jwt" });
  });
});
