// LDAP keys in the admin API, against a real slapd, on every store: shown with their source,
// read-only (rename and delete are 409: they change in LDAP), revocable as the emergency stop,
// which the next sync keeps; the sync's status for administrators.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parsePublicKey } from "../../../strategy/keys/index.js";
import { runLdapSync } from "../../../strategy/sources/ldap/run.js";
import { databaseKinds } from "../../support/databases.js";
import { freshKeyPair } from "../../support/fresh-keys.js";
import { getJson, startTestServer, type MemoryTestServer } from "../../support/server.js";
import { adminDn, adminPassword, baseDn, peopleDn, slapdMissing, startSlapd, type Slapd } from "../../support/slapd.js";
import { jwtFor, spkiPem } from "../../support/tokens.js";
import { signInTo, type Client } from "../support.js";

describe.skipIf(slapdMissing !== null).each(["memory", ...databaseKinds] as const)("LDAP keys in the admin API on %s", (kind) => {
  let t: MemoryTestServer;
  let ldap: Slapd;
  let root: Client;
  let alice: Client;
  let keyId: string;
  const key = freshKeyPair("ed25519").privateKey;
  const sync = () => runLdapSync({ store: t.store, ldap: { url: ldap.url, baseDn, bindDn: adminDn, bindPassword: adminPassword } });
  const whoami = () => getJson(`${t.url}/whoami`, { authorization: jwtFor("alice", key, { time: Math.floor(t.clock.now / 1000) }) });

  beforeAll(async () => {
    ldap = await startSlapd();
    t = kind === "memory" ? await startTestServer("memory", { exposeErrorCodes: true }) : await startTestServer(kind, { exposeErrorCodes: true });
    await ldap.addUser("alice", [`${parsePublicKey(spkiPem(key)).openssh} alice@ldap`]);
    expect((await sync()).ok).toBe(true);
    await t.store.directory.addUser("root", { isAdmin: true });
    [root, alice] = (await Promise.all(["root", "alice"].map((name) => signInTo(t.url, t.store, name)))) as [Client, Client];
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await ldap?.close();
  });

  it("lists an LDAP key with its source", async () => {
    const listed = await alice.call("GET", "/keys");
    expect(listed.body.keys).toEqual([expect.objectContaining({ origin: "ldap", originRef: `uid=alice,${peopleDn}`, comment: "alice@ldap" })]);
    keyId = listed.body.keys[0].id;
  });

  it("shows the LDAP user as such", async () => {
    const users = await root.call("GET", "/users?q=alice");
    expect(users.body.users).toEqual([expect.objectContaining({ username: "alice", origin: "ldap" })]);
    expect((await root.call("GET", "/users?q=root")).body.users[0].origin).toBe("local");
  });

  it("refuses to rename or delete it, for its owner and for an administrator", async () => {
    for (const client of [alice, root]) {
      const renamed = await client.call("PATCH", `/keys/${keyId}`, { comment: "mine" });
      expect([renamed.status, renamed.body.error.code]).toEqual([409, "key_managed_by_ldap"]);
      expect(renamed.body.error.message).toContain("change or remove it there");
      const deleted = await client.call("DELETE", `/keys/${keyId}`);
      expect([deleted.status, deleted.body.error.code]).toEqual([409, "key_managed_by_ldap"]);
    }
    expect((await whoami()).status).toBe(200);
  });

  it("revokes it: refused at once, and the next sync keeps it revoked", async () => {
    const revoked = await root.call("POST", `/keys/${keyId}/revoke`, { reason: "leaked" });
    expect(revoked.status).toBe(200);
    expect((await whoami()).body.error.code).toBe("key_revoked");
    expect((await sync()).ok).toBe(true);
    expect((await alice.call("GET", `/keys/${keyId}`)).body.key).toMatchObject({ status: "revoked", revokedReason: "leaked", origin: "ldap" });
    expect((await whoami()).status).toBe(401);
  });

  it("shows the sync's status to administrators only", async () => {
    const status = await root.call("GET", "/ldap/status");
    expect(status.status).toBe(200);
    expect(status.body.status).toMatchObject({ lastError: null, entries: 1, skipped: [] });
    expect((await alice.call("GET", "/ldap/status")).status).toBe(403);
    await ldap.stop();
    try {
      expect((await sync()).ok).toBe(false);
    } finally {
      await ldap.start();
    }
    expect((await root.call("GET", "/ldap/status")).body.status).toMatchObject({ lastError: "the LDAP server refused the connection", entries: 1 });
  });
});
