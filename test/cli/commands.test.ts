// The CLI's management commands and its environment, as a user meets them: separate
// processes on one database, a fresh working directory where it matters.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createJwtAuthorization, loadKeyFileSigner } from "../../strategy/client/index.js";
import { root, runCli, startServe } from "../support/cli.js";
import { createTestDatabase, databaseKinds, type TestDatabase } from "../support/databases.js";

describe.each(databaseKinds)("users and keys commands on %s", (kind) => {
  let db: TestDatabase;
  let env: Record<string, string>;
  let home: string;
  beforeAll(async () => {
    db = await createTestDatabase(kind);
    home = fs.mkdtempSync(path.join(os.tmpdir(), "pssk-home-"));
    fs.mkdirSync(path.join(home, ".ssh"));
    execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "laptop", "-f", path.join(home, ".ssh/id_ed25519")]);
    env = { DATABASE_URL: db.url, HOME: home };
  });
  afterAll(async () => {
    await db.drop();
    fs.rmSync(home, { recursive: true, force: true });
  });

  it("users disable, enable, promote, demote and remove", async () => {
    expect((await runCli(["users", "add", "bob"], { env })).code).toBe(0);
    const flags = async () => {
      const list = JSON.parse((await runCli(["users", "list", "--json"], { env })).stdout) as { username: string; isAdmin: boolean; disabled: boolean }[];
      const bob = list.find((u) => u.username === "bob")!;
      return [bob.isAdmin, bob.disabled];
    };
    const steps: [string, string, [boolean, boolean]][] = [
      ["disable", "user bob disabled\n", [false, true]],
      ["enable", "user bob enabled\n", [false, false]],
      ["promote", "user bob promoted to admin\n", [true, false]],
      ["demote", "user bob demoted (no longer admin)\n", [false, false]],
    ];
    for (const [command, said, state] of steps) {
      expect(await runCli(["users", command, "bob"], { env })).toMatchObject({ code: 0, stdout: said });
      expect(await flags()).toEqual(state);
    }
    expect((await runCli(["keys", "add", "bob", "~/.ssh/id_ed25519.pub"], { env })).code).toBe(0);
    expect(await runCli(["users", "remove", "bob"], { env })).toMatchObject({ code: 0, stdout: "removed user bob and 1 key\n" });
    expect(JSON.parse((await runCli(["keys", "list", "--json"], { env })).stdout)).toEqual([]);
    const gone = await runCli(["users", "disable", "bob"], { env });
    expect([gone.code, gone.stderr]).toEqual([1, "passport-sshkey: no user bob\n"]);
  });

  it("keys add expands ~ (quoted, so the shell did not), refuses a past --expires; keys list shows EXPIRES", async () => {
    expect((await runCli(["users", "add", "alice"], { env })).code).toBe(0);
    const past = await runCli(["keys", "add", "alice", "~/.ssh/id_ed25519.pub", "--expires", "2020-01-01"], { env });
    expect([past.code, past.stderr]).toEqual([1, "passport-sshkey: --expires 2020-01-01 is not in the future (keys expire at 00:00 UTC of that day)\n"]);
    const added = await runCli(["keys", "add", "alice", "~/.ssh/id_ed25519.pub", "--expires", "2099-12-31"], { env });
    expect(added.code, added.stderr).toBe(0);
    expect(added.stdout.trim()).toBe(execFileSync("ssh-keygen", ["-lf", path.join(home, ".ssh/id_ed25519.pub")], { encoding: "utf8" }).split(" ")[1]);
    const table = (await runCli(["keys", "list", "alice"], { env })).stdout.split("\n");
    expect(table[0]).toMatch(/^USER\s+TYPE\s+BITS\s+FINGERPRINT\s+STATUS\s+SOURCE\s+EXPIRES\s+LAST USED\s+LIMITS\s+POLICY\s+OPTIONS\s+COMMENT$/);
    expect(table[1]).toMatch(/^alice\s+ssh-ed25519\s+256\s+SHA256:\S+\s+active\s+uploaded\s+2099-12-31\s+never\s+-\s+ok\s+-\s+laptop$/);
  });

  it("token --key expands ~ as well (--key=~/… is never expanded by the shell)", async () => {
    const r = await runCli(["token", "jwt", "--user", "alice", "--key=~/.ssh/id_ed25519"], { env });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^JWT [\w-]+\.[\w-]+\.[\w-]+\n$/);
  });

  it("revoking a revoked key says so", async () => {
    const [key] = JSON.parse((await runCli(["keys", "list", "alice", "--json"], { env })).stdout);
    expect((await runCli(["keys", "revoke", key.fingerprintSha256, "--reason", "lost"], { env })).stdout).toBe(`revoked ${key.fingerprintSha256} of alice\n`);
    const again = await runCli(["keys", "revoke", key.fingerprintSha256], { env });
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(
      new RegExp(
        `^passport-sshkey: ${key.fingerprintSha256.replace(/[+/]/g, "\\$&")} of alice was already revoked on \\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z \\(lost\\)\\n$`,
      ),
    );
  });
});

describe("the program's environment", () => {
  let cwd: string;
  beforeAll(() => {
    cwd = fs.mkdtempSync(path.join(os.tmpdir(), "pssk-cwd-"));
  });
  afterAll(() => fs.rmSync(cwd, { recursive: true, force: true }));

  it("--version prints package.json's version", async () => {
    const { version } = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"));
    expect(await runCli(["--version"])).toMatchObject({ code: 0, stdout: `${version}\n` });
  });

  it("--help names the database and every environment variable the program reads", async () => {
    const help = await runCli(["--help"], { cwd, env: { DATABASE_URL: undefined } });
    expect(help.code).toBe(0);
    expect(help.stdout).toContain(`Database: SQLite ${path.join(fs.realpathSync(cwd), "data/passport-sshkey.db")} (does not exist yet`);
    const read = new Set<string>();
    const walk = (dir: string) => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory() && entry.name !== "generated") walk(full);
        else if (entry.name.endsWith(".ts"))
          for (const m of fs.readFileSync(full, "utf8").matchAll(/process\.env(?:\.|\[")([A-Z_]+)|integerSetting\("([A-Z_]+)"/g)) read.add((m[1] ?? m[2])!);
      }
    };
    walk(path.join(root, "strategy"));
    walk(path.join(root, "bin"));
    expect(read.size).toBeGreaterThan(8);
    for (const name of read) expect(help.stdout, name).toMatch(new RegExp(`^  ${name} `, "m"));
  });

  it("reads .env from the working directory; the environment wins; console-link uses HOST/PORT", async () => {
    fs.writeFileSync(path.join(cwd, ".env"), "DATABASE_URL=file:./from-dotenv.db\nPORT=4123\n");
    expect((await runCli(["users", "add", "root", "--admin"], { cwd })).code).toBe(0);
    expect(fs.existsSync(path.join(cwd, "from-dotenv.db"))).toBe(true);
    const link = await runCli(["console-link", "root"], { cwd });
    expect(link.stdout).toMatch(/^http:\/\/127\.0\.0\.1:4123\/admin\/login\/[\w-]{43}\n$/);
    const overridden = await runCli(["console-link", "root"], { cwd, env: { PORT: "4999", HOST: "0.0.0.0" } });
    expect(overridden.stdout).toMatch(/^http:\/\/127\.0\.0\.1:4999\/admin\/login\//);
    const server = await startServe({ DATABASE_URL: undefined }, { cwd });
    try {
      const real = fs.realpathSync(cwd);
      expect(server.banner).toContain(`(database: SQLite ${path.join(real, "from-dotenv.db")}; settings from ${path.join(real, ".env")})`);
    } finally {
      await server.stop();
    }
    fs.rmSync(path.join(cwd, ".env"));
  });

  it("PUBLIC_URL: serve's console links and sign-in audience, console-link's links", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pssk-public-"));
    const env = { DATABASE_URL: `file:${path.join(dir, "db.sqlite")}`, PUBLIC_URL: "https://keys.example.test" };
    const keyFile = path.join(dir, "id_ed25519");
    execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", keyFile]);
    expect((await runCli(["users", "add", "root", "--admin"], { env })).code).toBe(0);
    expect((await runCli(["keys", "add", "root", `${keyFile}.pub`], { env })).code).toBe(0);
    expect((await runCli(["console-link", "root"], { env })).stdout).toMatch(/^https:\/\/keys\.example\.test\/admin\/login\/[\w-]{43}\n$/);
    const server = await startServe(env);
    try {
      // Signed for the address it was reached by, not for the console's public URL: refused.
      const local = await runCli(["login", `${server.url}/admin`, "--user", "root", "--key", keyFile], { env });
      expect([local.code, local.stderr]).toEqual([1, expect.stringContaining("invalid_audience")]);
      const signer = await loadKeyFileSigner(keyFile);
      const authorization = await createJwtAuthorization({ signer, username: "root", audience: "https://keys.example.test/admin" });
      signer.close();
      const r = await fetch(`${server.url}/admin/api/login/jwt`, { method: "POST", headers: { authorization } });
      expect(r.status).toBe(200);
      expect(((await r.json()) as { link: string }).link).toMatch(/^https:\/\/keys\.example\.test\/admin\/login\/[\w-]{43}$/);
    } finally {
      await server.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
    for (const [name, value] of [
      ["MAX_KEYS_PER_USER", "lots"],
      ["RSA_MAX_BITS", "1024"],
      ["SIGNIN_RATE_LIMIT", "0"],
    ]) {
      const r = await runCli(["serve", "--port", "0"], { env: { ...env, [name!]: value } });
      expect([r.code, r.stderr]).toEqual([1, expect.stringMatching(new RegExp(`^passport-sshkey: ${name} must be .* \\(got "${value}"\\)\\n$`))]);
    }
    const bad = await runCli(["serve", "--port", "0"], { env: { ...env, PUBLIC_URL: "keys.example.test" } });
    expect([bad.code, bad.stderr]).toEqual([1, "passport-sshkey: PUBLIC_URL must be an http(s) URL (got keys.example.test)\n"]);
  });

  it("serve names the SQLite file and whether it was created; a port in use is one line and exit 1", async () => {
    const env = { DATABASE_URL: undefined, PORT: undefined };
    const first = await startServe(env, { cwd });
    const file = path.join(fs.realpathSync(cwd), "data/passport-sshkey.db");
    try {
      expect(first.banner).toBe(`passport-sshkey listening on ${first.url} (database: SQLite ${file}, created)`);
    } finally {
      await first.stop();
    }
    const again = await startServe(env, { cwd });
    try {
      expect(again.banner).toBe(`passport-sshkey listening on ${again.url} (database: SQLite ${file})`);
    } finally {
      await again.stop();
    }

    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    const { port } = blocker.address() as net.AddressInfo;
    try {
      const r = await runCli(["serve", "--port", String(port)], { cwd, env });
      expect(r.code).toBe(1);
      expect(r.stderr).toBe(`passport-sshkey: port ${port} is already in use on 127.0.0.1 (choose another with --port or PORT)\n`);
    } finally {
      blocker.close();
    }
  });
});
