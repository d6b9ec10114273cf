// `keys import / sync / sources / source remove / challenge / verify` as an administrator runs
// them: the CLI in its own process on the server's database, a loopback server playing GitHub
// and GitLab, signatures by the real `ssh-keygen -Y sign`, and an SSHSIG login to the demo app.
import { execFileSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { possessionNamespace } from "../../strategy/import/possession.js";
import { runCli, startServe } from "../support/cli.js";
import { databaseKinds } from "../support/databases.js";
import { githubRateLimited, startFakeForge, type FakeForge } from "../support/fake-forge.js";
import { startTestServer, type TestServer } from "../support/server.js";
import { KeyDir, keygenFingerprint } from "../support/ssh-keygen.js";
import { signedSshsig } from "../support/sshsig.js";

describe.each(databaseKinds)("key import commands on %s", (kind) => {
  const keys = new KeyDir();
  let t: TestServer;
  let forge: FakeForge;
  let env: Record<string, string>;
  const pub: Record<string, string> = {};
  const fp: Record<string, string> = {};

  beforeAll(async () => {
    t = await startTestServer(kind, { exposeErrorCodes: true });
    forge = await startFakeForge();
    env = { DATABASE_URL: t.database.url, GITHUB_URL: forge.url, GITLAB_URL: forge.url, JWKS_ALLOW_PRIVATE_ADDRESSES: "1" };
    for (const name of ["laptop", "desktop", "new", "stranger", "later"]) {
      pub[name] = keys.sshKeygen(name, "ed25519").trim();
      fp[name] = keygenFingerprint(keys.path(`${name}.pub`));
    }
    for (const user of ["alice", "bob"]) expect((await runCli(["users", "add", user], { env })).code).toBe(0);
  }, 60_000);
  afterAll(async () => {
    await forge?.close();
    await t?.close();
    keys.cleanup();
  });

  const cli = (...args: string[]) => runCli(args, { env });
  const cliWith = (input: string, ...args: string[]) => runCli(args, { env, input });
  const login = async (key: string) => {
    t.clock.now = Date.now();
    const authorization = signedSshsig(keys.path(key), { username: "alice", host: new URL(t.url).host, time: Math.floor(t.clock.now / 1000) });
    const r = await fetch(`${t.url}/whoami`, { headers: { authorization } });
    return { status: r.status, code: ((await r.json()) as { error?: { code: string } }).error?.code };
  };
  const listed = async () =>
    JSON.parse((await cli("keys", "list", "alice", "--json")).stdout) as { fingerprintSha256: string; status: string; origin: string; originRef: string }[];

  it("imports gh:LOGIN unverified: listed as such, never published, refused at login with key_unverified", async () => {
    forge.answers.set("/alice.keys", { body: `${pub.laptop}\n${pub.desktop}\n` });
    const r = await cli("keys", "import", "alice", "gh:alice");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`added ${fp.laptop} from gh:alice (unverified: keys verify alice ${fp.laptop})\n`);
    expect(r.stdout.trim().split("\n").at(-1)).toBe("gh:alice: 2 added, 0 revoked, 0 unchanged");
    expect((await listed()).map((k) => [k.status, k.origin, k.originRef])).toEqual([
      ["unverified", "import", "gh:alice"],
      ["unverified", "import", "gh:alice"],
    ]);
    expect((await cli("keys", "list", "alice")).stdout).toMatch(/ unverified +gh:alice +never /);
    expect((await cli("authorized-keys", "alice")).stdout).toBe("");
    expect((await login("laptop")).code).toBe("key_unverified");
    // Audited as the CLI: the source added, then each key it brought.
    const entries = JSON.parse((await cli("audit", "list", "--json", "--limit", "3")).stdout) as {
      action: string;
      actor: { type: string };
      target: { name: string };
    }[];
    expect(entries.map((e) => [e.action, e.actor.type]).sort()).toEqual([
      ["key.imported", "cli"],
      ["key.imported", "cli"],
      ["source.added", "cli"],
    ]);
    expect(entries.find((e) => e.action === "source.added")?.target.name).toBe("gh:alice");
  });

  it("prints the challenge and the command; a signature by another key is refused; the key's own verifies it and it signs in", async () => {
    const challenge = await cli("keys", "challenge", "alice", fp.laptop!);
    expect(challenge.code, challenge.stderr).toBe(0);
    const text = challenge.stdout.trim();
    expect(challenge.stderr).toBe(`sign it with: echo -n '${text}' | ssh-keygen -Y sign -n ${possessionNamespace} -f ~/.ssh/id_ed25519\n`);
    const sign = (key: string) =>
      execFileSync("ssh-keygen", ["-Y", "sign", "-n", possessionNamespace, "-f", keys.path(key)], {
        input: text,
        encoding: "utf8",
        stdio: ["pipe", "pipe", "pipe"],
      });
    const forged = await cliWith(sign("stranger"), "keys", "verify", "alice", fp.laptop!, "--signature", "-");
    expect([forged.code, forged.stderr]).toEqual([1, "passport-sshkey: the signature does not prove holding this key: it was made with another key\n"]);
    const otherKeys = await cliWith(sign("laptop"), "keys", "verify", "alice", fp.desktop!, "--signature", "-");
    expect([otherKeys.code, otherKeys.stderr]).toEqual([1, "passport-sshkey: the signature does not prove holding this key: it was made with another key\n"]);
    const notHers = await cliWith(sign("laptop"), "keys", "verify", "bob", fp.laptop!, "--signature", "-");
    expect([notHers.code, notHers.stderr]).toEqual([1, `passport-sshkey: ${fp.laptop} is not a key of bob\n`]);
    const verified = await cliWith(sign("laptop"), "keys", "verify", "alice", fp.laptop!, "--signature", "-");
    expect([verified.code, verified.stdout]).toEqual([0, `verified ${fp.laptop} of alice\n`]);
    expect((await cliWith(sign("laptop"), "keys", "verify", "alice", fp.laptop!, "--signature", "-")).stderr).toMatch(/verified already/);
    await expect.poll(async () => (await login("laptop")).code).toBeUndefined();
    expect((await login("laptop")).status).toBe(200);
    expect((await login("desktop")).code).toBe("key_unverified");
    expect((await cli("authorized-keys", "alice")).stdout).toBe(`${pub.laptop!.split(" ").slice(0, 2).join(" ")}\n`);
  });

  it("sync revokes what upstream dropped and adds what it gained; a rate limit keeps the keys and exits 75 with the time", async () => {
    forge.answers.set("/alice.keys", { body: `${pub.laptop}\n${pub.new}\n` });
    const r = await cli("keys", "sync", "alice");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`revoked ${fp.desktop}: removed from gh:alice\n`);
    expect(r.stdout).toContain(`added ${fp.new} from gh:alice`);
    const resetAt = Date.now() + 10 * 60_000;
    forge.answers.set("/alice.keys", githubRateLimited(resetAt));
    const limited = await cli("keys", "sync", "--all");
    expect(limited.code).toBe(75);
    const until = new Date(Math.ceil(resetAt / 1000) * 1000).toISOString();
    expect(limited.stderr).toBe(`passport-sshkey: gh:alice: upstream is rate limiting us; try again after ${until}\n`);
    const again = await cli("keys", "sync", "alice", "--source", "gh:alice");
    expect([again.code, again.stderr]).toEqual([75, `passport-sshkey: gh:alice: upstream asked us to wait; try again after ${until}\n`]);
    expect(
      (await listed())
        .filter((k) => k.status !== "revoked")
        .map((k) => k.fingerprintSha256)
        .sort(),
    ).toEqual([fp.laptop, fp.new].sort());
    const sources = await cli("keys", "sources", "alice");
    expect(sources.stdout).toMatch(
      new RegExp(
        `^USER +SOURCE +LAST SYNC +RETRY AFTER +LAST ERROR\\nalice +gh:alice +\\S+Z +${until.replace(/\./g, "\\.")} +gh:alice: upstream is rate limiting us`,
      ),
    );
  });

  it("refuses an unknown login, a bad source and a missing user with one clear line; removing a source keeps its keys", async () => {
    expect(await cli("keys", "import", "bob", "gh:nobody")).toMatchObject({
      code: 1,
      stderr: "passport-sshkey: gh:nobody: upstream knows no such user or list (HTTP 404)\n",
    });
    expect((await cli("keys", "import", "bob", "ftp://example.com/k")).stderr).toMatch(/^passport-sshkey: a key source is gh:LOGIN/);
    expect((await cli("keys", "import", "nobody", "gh:alice")).stderr).toBe("passport-sshkey: no user nobody\n");
    expect((await cli("keys", "sync", "bob")).stderr).toBe("passport-sshkey: bob imports keys from no source (keys import bob gh:LOGIN)\n");
    expect((await cli("keys", "sync")).code).toBe(1);
    forge.answers.set("/alice.keys", { body: `${pub.laptop}\n` });
    const taken = await cli("keys", "import", "bob", "gitlab:alice");
    expect(taken.stdout).toContain(`skipped ${fp.laptop}: held by alice\n`);
    expect((await cli("keys", "source", "remove", "alice", "gh:alice")).stdout).toBe("removed source gh:alice of alice; its keys stay\n");
    expect((await listed()).every((k) => k.originRef === "gh:alice")).toBe(true);
    expect((await cli("keys", "sources", "alice", "--json")).stdout).toBe("[]\n");
    // Several sources: each outcome on its own line, one failure does not stop the others.
    forge.answers.set("/bob.keys", { body: `${pub.stranger}\n` });
    expect((await cli("keys", "import", "bob", "gh:bob")).code).toBe(0);
    forge.answers.delete("/alice.keys");
    const all = await cli("keys", "sync", "--all");
    expect([all.code, all.stderr]).toEqual([
      1,
      "passport-sshkey: bob: gitlab:alice: upstream knows no such user or list (HTTP 404)\npassport-sshkey: some sources could not be synced\n",
    ]);
    expect(all.stdout).toBe("gh:bob: 0 added, 0 revoked, 1 unchanged\n");
  });

  it("serve syncs every source each KEY_SYNC_INTERVAL_SECONDS, and refuses a bad interval", async () => {
    const bad = await runCli(["serve", "--port", "0"], { env: { ...env, KEY_SYNC_INTERVAL_SECONDS: "soon" } });
    expect([bad.code, bad.stderr]).toEqual([1, 'passport-sshkey: KEY_SYNC_INTERVAL_SECONDS must be 0 (off) or a number of seconds (got "soon")\n']);
    forge.answers.set("/bob.keys", { body: `${pub.stranger}\n${pub.later}\n` });
    const serve = await startServe({ ...env, KEY_SYNC_INTERVAL_SECONDS: "1" });
    try {
      await expect
        .poll(
          async () => (JSON.parse((await cli("keys", "list", "bob", "--json")).stdout) as { fingerprintSha256: string; status: string }[]).map((k) => k.status),
          {
            timeout: 30_000,
          },
        )
        .toContain("unverified");
      const bobs = JSON.parse((await cli("keys", "list", "bob", "--json")).stdout) as { fingerprintSha256: string }[];
      expect(bobs.map((k) => k.fingerprintSha256)).toContain(fp.later);
      // The periodic sync is audited as the system actor key-sync.
      const synced = JSON.parse((await cli("audit", "list", "--json", "--actor", "key-sync")).stdout) as {
        action: string;
        actor: unknown;
        target: { name: string };
      }[];
      expect(synced.find((e) => e.target.name === fp.later)).toMatchObject({ action: "key.imported", actor: { type: "system", name: "key-sync" } });
    } finally {
      // SIGTERM waits for a sync round in progress, then closes the store: a clean exit.
      expect(await serve.stop()).toBe(0);
    }
  });
});
