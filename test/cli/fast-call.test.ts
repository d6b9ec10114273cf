// `token jwt` and `authorized-keys` read their usual call without commander (strategy/cli/fast-call.ts):
// what they print, and that every other call — help, mistakes — still gets commander's answers.
import { execFileSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openPrismaStore } from "../../strategy/store/index.js";
import { runCli } from "../support/cli.js";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pssk-fast-call-"));
const key = path.join(dir, "id_ed25519");
const databaseUrl = `file:${path.join(dir, "keys.db")}`;

function claims(stdout: string): Record<string, unknown> {
  const token = /^JWT ([\w-]+\.[\w-]+\.[\w-]+)\n$/.exec(stdout)?.[1];
  expect(token, stdout).toBeDefined();
  return JSON.parse(Buffer.from(token!.split(".")[1]!, "base64url").toString("utf8")) as Record<string, unknown>;
}

beforeAll(async () => {
  execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", key]);
  const store = await openPrismaStore({ url: databaseUrl });
  await store.directory.addUser("alice");
  await store.directory.addKey("alice", fs.readFileSync(`${key}.pub`, "utf8"));
  await store.close();
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe("token jwt's usual call", () => {
  it("signs with --key FILE --user NAME in either order and with --opt=value", async () => {
    for (const args of [
      ["--key", key, "--user", "alice"],
      ["--user=alice", `--key=${key}`],
    ]) {
      const run = await runCli(["token", "jwt", ...args]);
      expect(run.code, run.stderr).toBe(0);
      expect(claims(run.stdout).username).toBe("alice");
      expect(run.stderr).toBe("");
    }
  });

  it("reads SSHKEY_PASSPHRASE from .env in the working directory, as the full program does", async () => {
    const encrypted = path.join(dir, "id_encrypted");
    execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "dot env pass", "-f", encrypted]);
    const cwd = fs.mkdtempSync(path.join(dir, "cwd-"));
    fs.writeFileSync(path.join(cwd, ".env"), "SSHKEY_PASSPHRASE=dot env pass\n");
    const run = await runCli(["token", "jwt", "--key", encrypted, "--user", "alice"], { cwd, env: { SSHKEY_PASSPHRASE: undefined } });
    expect(run.code, run.stderr).toBe(0);
    expect(claims(run.stdout).username).toBe("alice");
  });

  it("reports the action's own refusals in one line with exit 1", async () => {
    expect(await runCli(["token", "jwt", "--key", key, "--agent", "--user", "alice"])).toEqual({
      code: 1,
      stdout: "",
      stderr: "passport-sshkey: give exactly one of --key PATH or --agent\n",
    });
    expect(await runCli(["token", "jwt", "--key", key, "--user", ""])).toMatchObject({ code: 1, stderr: "passport-sshkey: --user must not be empty\n" });
    const missing = await runCli(["token", "jwt", "--key", path.join(dir, "no-such-key"), "--user", "alice"]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^passport-sshkey: cannot read key file .*no-such-key \(ENOENT\)\n$/);
  });

  it("leaves help and usage mistakes to commander", async () => {
    const help = await runCli(["token", "jwt", "--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: passport-sshkey token jwt \[options\]\n/);
    expect(help.stdout).toContain("--fingerprint <SHA256:…>");
    const noUser = await runCli(["token", "jwt", "--key", key]);
    expect(noUser.code).toBe(1);
    expect(noUser.stderr).toMatch(/^error: required option '--user <username>' not specified\n/);
    const unknown = await runCli(["token", "jwt", "--key", key, "--user", "alice", "--kid", "x"]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/^error: unknown option '--kid'/);
    const excess = await runCli(["token", "jwt", "--key", key, "--user", "alice", "extra"]);
    expect(excess.code).toBe(1);
    expect(excess.stderr).toMatch(/^error: too many arguments for 'jwt'/);
    expect((await runCli(["token", "jwt", "--agent=yes", "--user", "alice"])).stderr).toMatch(
      /^error: option '--agent' argument 'yes' is invalid|^error: unknown option/,
    );
  });
});

describe("authorized-keys' usual call", () => {
  const line = () => fs.readFileSync(`${key}.pub`, "utf8").split(" ").slice(0, 2).join(" ");

  it("prints the keys with --database-url before or after the username, or with =", async () => {
    for (const args of [
      ["alice", "--database-url", databaseUrl],
      ["--database-url", databaseUrl, "alice"],
      [`--database-url=${databaseUrl}`, "alice"],
    ]) {
      expect(await runCli(["authorized-keys", ...args])).toEqual({ code: 0, stdout: `${line()}\n`, stderr: "" });
    }
    expect(await runCli(["authorized-keys", "alice"], { env: { DATABASE_URL: databaseUrl } })).toEqual({ code: 0, stdout: `${line()}\n`, stderr: "" });
  });

  it("answers an unknown user with nothing and a broken configuration with one line and exit 1", async () => {
    expect(await runCli(["authorized-keys", `nobody-${crypto.randomUUID()}`, "--database-url", databaseUrl])).toEqual({ code: 0, stdout: "", stderr: "" });
    const broken = await runCli(["authorized-keys", "alice", "--database-url", "file:/nonexistent/dir/x.db"]);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(/^passport-sshkey: cannot read the keys from SQLite \/nonexistent\/dir\/x\.db: /);
  });

  it("leaves help and usage mistakes to commander", async () => {
    const help = await runCli(["authorized-keys", "--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: passport-sshkey authorized-keys \[options\] <username>\n/);
    expect(await runCli(["authorized-keys"])).toMatchObject({ code: 1, stderr: "error: missing required argument 'username'\n" });
    expect(await runCli(["authorized-keys", "alice", "bob"])).toMatchObject({
      code: 1,
      stderr: "error: too many arguments for 'authorized-keys'. Expected 1 argument but got 2.\n",
    });
    expect((await runCli(["authorized-keys", "--bogus", "alice"])).stderr).toBe("error: unknown option '--bogus'\n");
  });
});
