// `authorized-keys` and `allowed-signers` through the real CLI, on SQLite and PostgreSQL: the
// active keys with their options, what ssh-keygen -Y verify and git verify-commit accept.
import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openPrismaStore } from "../../strategy/store/prisma/store.js";
import { runCli } from "../support/cli.js";
import { createTestDatabase, databaseKinds, type TestDatabase } from "../support/databases.js";
import { softwareFidoKey } from "../support/software-fido.js";
import { KeyDir } from "../support/ssh-keygen.js";

const canonical = (pub: string): string => pub.trim().split(/\s+/).slice(0, 2).join(" ");

describe.each(databaseKinds)("publishing the directory on %s", (kind) => {
  const keys = new KeyDir();
  let database: TestDatabase;
  const pub: Record<string, string> = {};
  const fido = softwareFidoKey("ed25519");
  const expiry = new Date(Date.UTC(2031, 5, 7, 12, 30, 15));

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    for (const name of ["laptop", "ci", "old", "lost", "bob", "backup"]) pub[name] = keys.sshKeygen(name, "ed25519");
    const store = await openPrismaStore({ url: database.url });
    const { directory } = store;
    await directory.addUser("alice");
    await directory.addKey("alice", pub.laptop!);
    await directory.addKey("alice", pub.ci!, { expiresAt: expiry });
    await directory.addKey("alice", `no-touch-required,verify-required ${fido.publicLine}`);
    const old = await directory.addKey("alice", pub.old!);
    await directory.updateKeyById(old.id, { expiresAt: new Date(Date.now() - 1000) });
    await directory.revokeKey((await directory.addKey("alice", pub.lost!)).fingerprintSha256);
    await directory.addUser("bob");
    await directory.addKey("bob", pub.bob!);
    await directory.setUserFlags("bob", { disabled: true });
    await directory.addUser("carol.smith@example.com");
    await store.close();
    // Through the CLI, as an administrator pastes a line from an authorized_keys file.
    fs.writeFileSync(keys.path("backup.line"), `From="10.0.0.0/8",no-pty,expiry-time="20330101Z",command="/usr/bin/backup \\"nightly\\"" ${pub.backup}`);
    const added = await runCli(["keys", "add", "alice", keys.path("backup.line")], { env: { DATABASE_URL: database.url } });
    expect(added.code, added.stderr).toBe(0);
  });
  afterAll(async () => {
    await database.drop();
    keys.cleanup();
  });

  const cli = (args: string[]) => runCli(args, { env: { DATABASE_URL: undefined } });

  it("authorized-keys prints the active keys with their stored options and expiry", async () => {
    const result = await cli(["authorized-keys", "alice", "--database-url", database.url]);
    expect([result.code, result.stderr]).toEqual([0, ""]);
    expect(result.stdout).toBe(
      [
        canonical(pub.laptop!),
        `expiry-time="20310607123015Z" ${canonical(pub.ci!)}`,
        `no-touch-required,verify-required ${canonical(fido.publicLine)}`,
        // Derived options first, then the stored ones: one options field, nothing twice.
        `expiry-time="20330101000000Z",from="10.0.0.0/8",no-pty,command="/usr/bin/backup \\"nightly\\"" ${canonical(pub.backup!)}`,
        "",
      ].join("\n"),
    );
  });

  it("keys list shows the stored options (OPTIONS, and sshOptions in --json)", async () => {
    const env = { DATABASE_URL: database.url };
    const list = JSON.parse((await runCli(["keys", "list", "alice", "--json"], { env })).stdout) as { sshOptions: string | null; expiresAt: string | null }[];
    expect(list.at(-1)).toMatchObject({
      sshOptions: 'from="10.0.0.0/8",no-pty,command="/usr/bin/backup \\"nightly\\""',
      expiresAt: "2033-01-01T00:00:00.000Z",
    });
    expect(list[0]).toMatchObject({ sshOptions: null });
    const table = (await runCli(["keys", "list", "alice"], { env })).stdout.split("\n");
    expect(table.at(-2)).toMatch(/ 2033-01-01 +never +- +ok +from="10\.0\.0\.0\/8",no-pty,command="\/usr\/bin\/backup \\"nightly\\"" +backup@test$/);
  });

  it("keys add refuses an option sshd would refuse, naming it", async () => {
    fs.writeFileSync(keys.path("bad.line"), `no-pty,permit-everything ${keys.sshKeygen("bad", "ed25519")}`);
    const r = await runCli(["keys", "add", "alice", keys.path("bad.line")], { env: { DATABASE_URL: database.url } });
    expect([r.code, r.stderr]).toEqual([1, 'passport-sshkey: Unknown authorized_keys option "permit-everything".\n']);
  });

  it("authorized-keys answers an unknown or disabled user with nothing and exit 0, a broken configuration with non-zero", async () => {
    for (const user of ["nobody", "bob", "ALICE", "root"]) {
      expect(await cli(["authorized-keys", user, "--database-url", database.url])).toEqual({ code: 0, stdout: "", stderr: "" });
    }
    const env = await runCli(["authorized-keys", "alice"], { env: { DATABASE_URL: database.url } });
    expect(env.stdout.split("\n")).toHaveLength(5);
    const missing = await cli(["authorized-keys", "alice", "--database-url", "file:/nonexistent/dir/x.db"]);
    expect(missing.code).not.toBe(0);
    expect(missing.stdout).toBe("");
    expect(missing.stderr).toMatch(/^passport-sshkey: cannot read the keys from SQLite \/nonexistent\/dir\/x\.db: /);
  });

  it("allowed-signers is a file ssh-keygen -Y verify accepts for active keys and refuses for the rest", async () => {
    const result = await cli(["allowed-signers", "--namespace", "git", "--database-url", database.url]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`alice namespaces="git",valid-before="20310607123015Z" ${canonical(pub.ci!)}\n`);
    expect(result.stdout).not.toMatch(/^bob /m);
    const file = keys.path("allowed_signers");
    fs.writeFileSync(file, result.stdout);
    const verifies = (key: string, namespace = "git") => {
      const message = `tree 0\nauthor alice\n\nwith ${key}\n`;
      const signature = keys.path(`${key}.${namespace}.sig`);
      fs.writeFileSync(
        signature,
        execFileSync("ssh-keygen", ["-Y", "sign", "-n", namespace, "-f", keys.path(key)], { input: message, stdio: ["pipe", "pipe", "ignore"] }),
      );
      return spawnSync("ssh-keygen", ["-Y", "verify", "-f", file, "-I", "alice", "-n", namespace, "-s", signature], { input: message }).status === 0;
    };
    expect(verifies("laptop")).toBe(true);
    expect(verifies("ci")).toBe(true);
    expect(verifies("lost")).toBe(false);
    expect(verifies("old")).toBe(false);
    expect(verifies("laptop", "file")).toBe(false);
    const plain = await cli(["allowed-signers", "--database-url", database.url]);
    expect(plain.stdout).toContain(`alice ${canonical(pub.laptop!)}\n`);
    const bad = await cli(["allowed-signers", "--namespace", 'git" cert-authority', "--database-url", database.url]);
    expect([bad.code, bad.stdout]).toEqual([1, ""]);
  });

  it("git verify-commit accepts a commit signed by an active key against the file", async () => {
    const file = keys.path("git_signers");
    fs.writeFileSync(file, (await cli(["allowed-signers", "--namespace", "git", "--database-url", database.url])).stdout);
    const repo = keys.path("repo");
    const git = (args: string[], key = "laptop") =>
      spawnSync(
        "git",
        ["-C", repo, "-c", "gpg.format=ssh", "-c", `user.signingkey=${keys.path(`${key}.pub`)}`, "-c", `gpg.ssh.allowedSignersFile=${file}`, ...args],
        {
          encoding: "utf8",
          env: { ...process.env, GIT_AUTHOR_NAME: "alice", GIT_AUTHOR_EMAIL: "alice", GIT_COMMITTER_NAME: "alice", GIT_COMMITTER_EMAIL: "alice" },
        },
      );
    expect(spawnSync("git", ["init", "-q", repo]).status).toBe(0);
    expect(git(["commit", "-q", "-S", "--allow-empty", "-m", "signed"]).status).toBe(0);
    const good = git(["verify-commit", "HEAD"]);
    expect([good.status, good.stderr]).toEqual([0, expect.stringContaining('Good "git" signature for alice')]);
    expect(git(["commit", "-q", "-S", "--allow-empty", "-m", "by a revoked key"], "lost").status).toBe(0);
    expect(git(["verify-commit", "HEAD"]).status).not.toBe(0);
  });
});
