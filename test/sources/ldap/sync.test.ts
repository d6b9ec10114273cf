// The LDAP key source against a real slapd (test/support/slapd.ts), on every store: users and
// keys found there sign in like stored ones, keys removed there stop at the next sync, local
// revocations stick, and a directory that cannot be read changes nothing.
import type { KeyObject } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parsePublicKey } from "../../../strategy/keys/index.js";
import { runLdapSync, type LdapSyncOutcome } from "../../../strategy/sources/ldap/run.js";
import { readLdapStatus } from "../../../strategy/sources/ldap/status.js";
import type { LdapOptions } from "../../../strategy/sources/ldap/options.js";
import { runCli } from "../../support/cli.js";
import { databaseKinds } from "../../support/databases.js";
import { freshKeyPair } from "../../support/fresh-keys.js";
import { getJson, startTestServer, type MemoryTestServer } from "../../support/server.js";
import { adminDn, adminPassword, baseDn, peopleDn, slapdMissing, startSlapd, type Slapd } from "../../support/slapd.js";
import { jwtFor, spkiPem } from "../../support/tokens.js";

const T = 1_700_000_000;
const newKey = () => freshKeyPair("ed25519").privateKey;
const openssh = (key: KeyObject, comment = "from-ldap") => `${parsePublicKey(spkiPem(key)).openssh} ${comment}`;
const fingerprint = (key: KeyObject) => parsePublicKey(spkiPem(key)).fingerprintSha256;

describe.skipIf(slapdMissing !== null).each(["memory" as const, ...databaseKinds])("the LDAP key source on %s", (kind) => {
  let ldap: Slapd;
  let server: MemoryTestServer;
  let options: LdapOptions;
  let databaseUrl: string | undefined;
  const alice = { laptop: newKey(), desktop: newKey() };
  const bob = newKey();

  const sync = async (extra: Partial<LdapOptions> = {}): Promise<LdapSyncOutcome> => runLdapSync({ store: server.store, ldap: { ...options, ...extra } });
  const synced = async (extra: Partial<LdapOptions> = {}) => {
    const outcome = await sync(extra);
    if (!outcome.ok) throw new Error(outcome.error);
    return outcome.report;
  };
  const whoami = (username: string, key: KeyObject) =>
    getJson(`${server.url}/whoami`, { authorization: jwtFor(username, key, { time: server.clock.now / 1000 }) });
  const published = async (username: string) => (await fetch(`${server.url}/${username}.keys`)).text();

  beforeAll(async () => {
    ldap = await startSlapd();
    if (kind === "memory") server = await startTestServer("memory", { startAt: T * 1000 });
    else {
      const started = await startTestServer(kind, { startAt: T * 1000 });
      databaseUrl = started.database.url;
      server = started;
    }
    options = { url: ldap.url, baseDn, bindDn: adminDn, bindPassword: adminPassword };
    await ldap.addUser("alice", [openssh(alice.laptop), `no-pty,from="127.0.0.0/8,::1" ${openssh(alice.desktop)}`]);
    await ldap.addUser("bob", [openssh(bob)]);
  });
  afterAll(async () => {
    await server?.close();
    await ldap?.close();
  });

  it("creates the users it finds with their keys, which then sign in", async () => {
    const report = await synced();
    expect(report.createdUsers.sort()).toEqual(["alice", "bob"]);
    expect(report.added).toHaveLength(3);
    expect(report.skipped).toEqual([]);
    const user = await server.store.directory.findUser("alice");
    expect(user.origin).toBe("ldap");
    const keys = await server.store.directory.listKeys("alice");
    expect(keys.map((k) => [k.origin, k.originRef])).toEqual([
      ["ldap", `uid=alice,${peopleDn}`],
      ["ldap", `uid=alice,${peopleDn}`],
    ]);
    // An entry's authorized_keys options are kept like an upload's: from= holds on HTTP, the rest is for sshd.
    expect(keys.find((k) => k.fingerprintSha256 === fingerprint(alice.desktop))?.sshOptions).toContain("no-pty");
    expect((await whoami("alice", alice.laptop)).status).toBe(200);
    expect((await whoami("alice", alice.desktop)).status).toBe(200);
    expect((await whoami("bob", bob)).body.username).toBe("bob");
    expect(await published("alice")).toContain(parsePublicKey(spkiPem(alice.desktop)).openssh);
  });

  it("audits what it created as the system actor ldap, each key with its owner", async () => {
    const { items } = await server.store.audit.page({ actor: "ldap", limit: 50 });
    expect(items.every((e) => e.actor.type === "system" && e.actor.name === "ldap")).toBe(true);
    expect(items.filter((e) => e.action === "user.created").map((e) => e.target.name)).toEqual(expect.arrayContaining(["alice", "bob"]));
    const keys = items.filter((e) => e.action === "key.imported");
    expect(keys.map((e) => e.target.name).sort()).toEqual([fingerprint(alice.laptop), fingerprint(alice.desktop), fingerprint(bob)].sort());
    expect(keys.find((e) => e.target.name === fingerprint(bob))?.after).toMatchObject({ owner: "bob", origin: "ldap" });
  });

  it("changes nothing when run again", async () => {
    const report = await synced();
    expect(report).toMatchObject({ added: [], removed: [], createdUsers: [], disabledUsers: [], skipped: [] });
  });

  it("stops a key removed from LDAP at the next sync, everywhere it is published", async () => {
    await ldap.setKeys("alice", [openssh(alice.laptop)]);
    expect((await whoami("alice", alice.desktop)).status).toBe(200);
    const report = await synced();
    expect(report.removed).toEqual([{ username: "alice", fingerprintSha256: fingerprint(alice.desktop) }]);
    expect((await whoami("alice", alice.desktop)).status).toBe(401);
    expect((await whoami("alice", alice.laptop)).status).toBe(200);
    const text = await published("alice");
    expect(text).not.toContain(parsePublicKey(spkiPem(alice.desktop)).openssh);
    if (databaseUrl) {
      const lines = await runCli(["authorized-keys", "--database-url", databaseUrl, "alice"]);
      expect(lines.code).toBe(0);
      expect(lines.stdout).toContain(parsePublicKey(spkiPem(alice.laptop)).openssh);
      expect(lines.stdout).not.toContain(parsePublicKey(spkiPem(alice.desktop)).openssh);
    }
  });

  it("brings back a key added to LDAP again", async () => {
    await ldap.setKeys("alice", [openssh(alice.laptop), openssh(alice.desktop)]);
    expect((await synced()).added).toEqual([{ username: "alice", fingerprintSha256: fingerprint(alice.desktop) }]);
    expect((await whoami("alice", alice.desktop)).status).toBe(200);
  });

  it("keeps a local revocation of an LDAP key: sync never un-revokes, even when LDAP drops and re-adds the key", async () => {
    const key = await server.store.directory.findKey(fingerprint(alice.desktop));
    await server.store.directory.revokeKeyById(key.id, "lost laptop");
    const refused = await whoami("alice", alice.desktop);
    expect(refused.status).toBe(401);
    expect(refused.body.error.code).toBe("key_revoked");
    await synced();
    await ldap.setKeys("alice", [openssh(alice.laptop)]);
    await synced();
    await ldap.setKeys("alice", [openssh(alice.laptop), openssh(alice.desktop)]);
    await synced();
    expect((await server.store.directory.findKey(key.fingerprintSha256)).revokedReason).toBe("lost laptop");
    expect((await whoami("alice", alice.desktop)).status).toBe(401);
  });

  it("disables an LDAP user gone from LDAP and re-enables them when they come back; an administrator's disable sticks", async () => {
    await ldap.removeEntry(`uid=bob,${peopleDn}`);
    const gone = await synced();
    expect(gone.disabledUsers).toEqual(["bob"]);
    expect(gone.removed).toEqual([{ username: "bob", fingerprintSha256: fingerprint(bob) }]);
    expect((await whoami("bob", bob)).status).toBe(401);
    await ldap.addUser("bob", [openssh(bob)]);
    const back = await synced();
    expect(back.enabledUsers).toEqual(["bob"]);
    expect((await whoami("bob", bob)).status).toBe(200);

    await server.store.directory.setUserFlags("bob", { disabled: true });
    await synced();
    expect((await server.store.directory.findUser("bob")).disabled).toBe(true);
    await server.store.directory.setUserFlags("bob", { disabled: false });
  });

  it("never touches local users or uploaded keys; a key another user holds is skipped and reported", async () => {
    const carolKey = newKey();
    const stranger = newKey();
    await server.store.directory.addUser("carol");
    await server.store.directory.addKey("carol", spkiPem(carolKey));
    await server.store.directory.addUser("dave");
    await server.store.directory.addKey("dave", spkiPem(stranger));
    await ldap.addUser("carol", [openssh(newKey())]);
    await ldap.addUser("erin", [openssh(stranger)]);
    const report = await synced();
    expect(report.skipped).toEqual([
      expect.objectContaining({ username: "carol", reason: expect.stringContaining("local user") }),
      expect.objectContaining({ username: "erin", reason: expect.stringContaining("another user") }),
    ]);
    expect((await server.store.directory.listKeys("carol")).map((k) => k.origin)).toEqual(["upload"]);
    expect((await server.store.directory.findKey(fingerprint(stranger))).username).toBe("dave");
    // An uploaded key of an LDAP user is theirs to keep: the sync deletes only LDAP keys.
    const own = newKey();
    await server.store.directory.addKey("alice", spkiPem(own));
    await synced();
    expect((await whoami("alice", own)).status).toBe(200);
    await ldap.removeEntry(`uid=carol,${peopleDn}`);
    await ldap.removeEntry(`uid=erin,${peopleDn}`);
    expect((await synced()).disabledUsers).toEqual(["erin"]);
  });

  it("syncs only the members of LDAP_GROUP_DN (posixGroup memberUid, as crtauth reads it)", async () => {
    const groupDn = await ldap.addGroup(`ssh-${kind}`, ["alice"]);
    const report = await synced({ groupDn });
    expect(report.disabledUsers).toEqual(["bob"]);
    expect((await whoami("alice", alice.laptop)).status).toBe(200);
    expect((await synced()).enabledUsers).toEqual(["bob"]);
    const missing = await sync({ groupDn: `cn=nobody,${baseDn}` });
    expect(missing).toEqual({ ok: false, error: expect.stringContaining("does not exist") });
    expect((await whoami("bob", bob)).status).toBe(200);
  });

  it("keeps every key when the bind is refused, and records the error", async () => {
    const outcome = await sync({ bindPassword: "wrong" });
    expect(outcome).toEqual({ ok: false, error: "the LDAP server refused the bind DN and password" });
    expect((await whoami("alice", alice.laptop)).status).toBe(200);
    const status = await readLdapStatus(server.store.settings);
    expect(status).toMatchObject({ lastError: "the LDAP server refused the bind DN and password", counts: expect.any(Object) });
    expect(status?.lastSuccessAt).not.toBeNull();
  });

  it("keeps every key while slapd is down, and recovers when it is back", async () => {
    await ldap.stop();
    try {
      const outcome = await sync();
      expect(outcome).toEqual({ ok: false, error: "the LDAP server refused the connection" });
      expect((await whoami("alice", alice.laptop)).status).toBe(200);
      expect((await whoami("bob", bob)).status).toBe(200);
    } finally {
      await ldap.start();
    }
    expect((await sync()).ok).toBe(true);
    expect((await readLdapStatus(server.store.settings))?.lastError).toBeNull();
  });

  it("skips and reports hostile entries without failing the sync", async () => {
    const huge = `ssh-ed25519 ${"A".repeat(100_000)}`;
    const many = Array.from({ length: 2000 }, (_, i) => `junk value ${i}`);
    await ldap.addUser("mallory", [huge, "not a key", "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAAAQ== tiny"]);
    await ldap.addUser("*)(uid=*))(|(uid=*", [openssh(newKey())], `cn=injection,${peopleDn}`);
    await ldap.addUser("trent", many);
    const report = await synced();
    const reasons = report.skipped.map((s) => `${s.username ?? s.dn}: ${s.reason}`);
    expect(reasons).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^mallory: a key value of 100012 bytes is too long$/),
        expect.stringMatching(/^mallory: a key value is refused/),
        expect.stringMatching(/^cn=injection,.*: the username is refused/),
        expect.stringMatching(/^trent: 1950 key values beyond the 50 a user may hold were ignored$/),
      ]),
    );
    expect(await server.store.directory.lookupUser("mallory")).toBeNull();
    expect(await server.store.directory.lookupUser("trent")).toBeNull();
    expect((await whoami("alice", alice.laptop)).status).toBe(200);
  });
});
