// `passport-sshkey ldap sync|status` and `serve` with LDAP_URL, against a real slapd, on SQLite
// and PostgreSQL: what cron and the server run.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli, startServe } from "../support/cli.js";
import { createTestDatabase, databaseKinds, type TestDatabase } from "../support/databases.js";
import { freshKeyPair } from "../support/fresh-keys.js";
import { getJson } from "../support/server.js";
import { adminDn, adminPassword, baseDn, slapdMissing, startSlapd, type Slapd } from "../support/slapd.js";
import { jwtFor, spkiPem } from "../support/tokens.js";
import { parsePublicKey } from "../../strategy/keys/index.js";

describe.skipIf(slapdMissing !== null).each(databaseKinds)("the ldap commands on %s", (kind) => {
  let ldap: Slapd;
  let database: TestDatabase;
  let env: Record<string, string>;
  const key = freshKeyPair("ed25519").privateKey;
  const line = parsePublicKey(spkiPem(key)).openssh;

  beforeAll(async () => {
    ldap = await startSlapd();
    database = await createTestDatabase(kind);
    env = { DATABASE_URL: database.url, LDAP_URL: ldap.url, LDAP_BASE_DN: baseDn, LDAP_BIND_DN: adminDn, LDAP_BIND_PASSWORD: adminPassword };
    await ldap.addUser("alice", [`${line} alice@laptop`]);
  });
  afterAll(async () => {
    await ldap?.close();
    await database?.drop();
  });

  it("ldap status before any run says so", async () => {
    const r = await runCli(["ldap", "status"], { env });
    expect(r).toMatchObject({ code: 0, stdout: "the LDAP sync has not run\n" });
  });

  it("ldap sync prints what it added, and --json the whole report", async () => {
    const r = await runCli(["ldap", "sync"], { env });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^1 LDAP entries: 1 keys added, 0 removed, 0 skipped\ncreated user alice\nadded alice SHA256:/);
    const again = await runCli(["ldap", "sync", "--json"], { env });
    expect(JSON.parse(again.stdout)).toMatchObject({ entries: 1, added: [], removed: [], skipped: [] });
  });

  it("keys remove refuses an LDAP key (the next sync would bring it back)", async () => {
    const listed = JSON.parse((await runCli(["keys", "list", "alice", "--json"], { env })).stdout) as { fingerprintSha256: string; origin: string }[];
    const key = listed.find((k) => k.origin === "ldap")!;
    const removed = await runCli(["keys", "remove", key.fingerprintSha256], { env });
    expect(removed).toMatchObject({
      code: 1,
      stderr: `passport-sshkey: ${key.fingerprintSha256}: this key comes from LDAP: change or remove it there (it can be revoked here)\n`,
    });
    expect(JSON.parse((await runCli(["keys", "list", "alice", "--json"], { env })).stdout)).toHaveLength(listed.length);
  });

  it("ldap sync fails, changing nothing, when the bind is refused; ldap status shows the error", async () => {
    const r = await runCli(["ldap", "sync"], { env: { ...env, LDAP_BIND_PASSWORD: "wrong" } });
    expect(r).toMatchObject({ code: 1, stderr: "passport-sshkey: the LDAP server refused the bind DN and password; nothing was changed\n" });
    const status = await runCli(["ldap", "status"], { env });
    expect(status.stdout).toMatch(/^last run: \S+ \(failed: the LDAP server refused the bind DN and password\)\nlast success: \S+\n1 entries;/);
    const keys = await runCli(["authorized-keys", "--database-url", database.url, "alice"]);
    expect(keys.stdout).toContain(line);
  });

  it("refuses bad settings with one line", async () => {
    for (const [extra, message] of [
      [{ LDAP_BASE_DN: "" }, "LDAP_BASE_DN must be set with LDAP_URL"],
      [{ LDAP_URL: "ldap://ldap.example.com" }, "would send the bind password and every key in clear"],
      [{ LDAP_URL: "http://ldap.example.com" }, 'option "url"'],
      [{ LDAP_REFRESH_SECONDS: "soon" }, "LDAP_REFRESH_SECONDS must be a whole number"],
      [{ LDAP_STARTTLS: "yes" }, "LDAP_STARTTLS must be 0 or 1"],
      [{ LDAP_BIND_PASSWORD_FILE: "/nonexistent/secret" }, "LDAP_BIND_PASSWORD_FILE: cannot read /nonexistent/secret (ENOENT)"],
      [{ LDAP_KEY_ATTRIBUTE: "ssh)(uid=*" }, "expected an LDAP attribute"],
    ] as const) {
      const r = await runCli(["ldap", "sync"], { env: { ...env, ...extra } });
      expect(r.code, JSON.stringify(extra)).toBe(1);
      expect(r.stderr).toContain(message);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
    }
    expect((await runCli(["ldap", "sync"], { env: { DATABASE_URL: database.url } })).stderr).toBe("passport-sshkey: LDAP_URL is not set\n");
  });

  it("serve syncs at start and every LDAP_REFRESH_SECONDS: a key added to LDAP signs in, a removed one stops", async () => {
    const later = freshKeyPair("ed25519").privateKey;
    await ldap.setKeys("alice", [line, parsePublicKey(spkiPem(later)).openssh]);
    const serve = await startServe({ ...env, LDAP_REFRESH_SECONDS: "1" });
    try {
      expect(serve.banner).toContain(`LDAP sync from ${ldap.url} every 1 s`);
      const whoami = (k: typeof key) => getJson(`${serve.url}/whoami`, { authorization: jwtFor("alice", k, { time: Math.floor(Date.now() / 1000) }) });
      const until = async (k: typeof key, status: number) => {
        for (let i = 0; i < 100 && (await whoami(k)).status !== status; i++) await new Promise((r) => setTimeout(r, 100));
        return (await whoami(k)).status;
      };
      expect(await until(later, 200)).toBe(200);
      await ldap.setKeys("alice", [line]);
      expect(await until(later, 401)).toBe(401);
      expect((await whoami(key)).status).toBe(200);
    } finally {
      await serve.stop();
    }
  });
});
