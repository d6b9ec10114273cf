// The CLI end to end, as a user runs it: separate processes sharing one database.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli, startServe } from "../support/cli.js";
import { createTestDatabase, databaseKinds, type TestDatabase } from "../support/databases.js";
import { fixtures } from "../support/forge-jwt.js";

const rsaPub = path.join(fixtures, "keys/ajwt/rsa2048.pub");
const rsaPem = path.join(fixtures, "keys/ajwt/rsa2048.pem");

describe.each(databaseKinds)("passport-sshkey CLI on %s", (kind) => {
  let db: TestDatabase;
  let env: Record<string, string>;
  let dir: string;
  beforeAll(async () => {
    db = await createTestDatabase(kind);
    env = { DATABASE_URL: db.url };
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "pssk-cli-"));
  });
  afterAll(async () => {
    await db.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("adds and lists users", async () => {
    expect(await runCli(["users", "add", "alice"], { env })).toMatchObject({ code: 0, stdout: "created user alice\n" });
    expect(await runCli(["users", "add", "root", "--admin"], { env })).toMatchObject({ code: 0, stdout: "created user root (admin)\n" });
    const list = await runCli(["users", "list", "--json"], { env });
    expect(JSON.parse(list.stdout).map((u: { username: string; isAdmin: boolean }) => [u.username, u.isAdmin])).toEqual([
      ["alice", false],
      ["root", true],
    ]);
  });

  it("adds a key, printing exactly ssh-keygen's SHA256 fingerprint", async () => {
    const r = await runCli(["keys", "add", "alice", rsaPub, "--comment", "laptop", "--expires", "2099-01-01"], { env });
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(execFileSync("ssh-keygen", ["-lf", rsaPub], { encoding: "utf8" }).split(" ")[1]);
  });

  it("reads a key from standard input", async () => {
    execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", path.join(dir, "id_ed25519")]);
    const r = await runCli(["keys", "add", "root", "-"], { env, input: fs.readFileSync(path.join(dir, "id_ed25519.pub"), "utf8") });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^SHA256:/);
  });

  it("lists keys as JSON with their state", async () => {
    const r = await runCli(["keys", "list", "alice", "--json"], { env });
    const [key] = JSON.parse(r.stdout);
    expect(key).toMatchObject({ username: "alice", type: "ssh-rsa", bits: 2048, comment: "laptop", status: "active", useCount: 0 });
    expect(key.expiresAt).toBe("2099-01-01T00:00:00.000Z");
  });

  const refusals: [string, string[], RegExp][] = [
    ["an unknown user", ["keys", "add", "nobody", rsaPub], /no user nobody/],
    ["a duplicate key", ["keys", "add", "root", rsaPub], /already registered/],
    ["a private key", ["keys", "add", "alice", rsaPem], /private key/i],
    ["a bad expiry date", ["keys", "add", "alice", rsaPub, "--expires", "2099-02-30"], /YYYY-MM-DD/],
    ["a missing file", ["keys", "add", "alice", "/nonexistent/key.pub"], /cannot read/],
    ["a duplicate user", ["users", "add", "alice"], /already exists/],
    ["an invalid username", ["users", "add", "a b"], /usernames are/],
    ["an unknown fingerprint", ["keys", "revoke", "SHA256:nope"], /no key with fingerprint/],
    ["both --key and --agent", ["token", "jwt", "--user", "alice", "--key", rsaPem, "--agent"], /exactly one of/],
  ];
  for (const [name, args, message] of refusals) {
    it(`refuses ${name} with one line and a non-zero exit`, async () => {
      const r = await runCli(args, { env });
      expect(r.code).not.toBe(0);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
      expect(r.stderr).not.toContain("PRIVATE KEY");
    });
  }

  it("serves /whoami to the CLI client, curl-style headers and PyJWT tokens; refuses replays and revoked keys", async () => {
    const server = await startServe(env);
    try {
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
      const fingerprint = execFileSync("ssh-keygen", ["-lf", rsaPub], { encoding: "utf8" }).split(" ")[1];

      const viaCli = await runCli(["request", `${server.url}/whoami`, "--user", "alice", "--key", rsaPem], { env });
      expect(viaCli.code, viaCli.stdout + viaCli.stderr).toBe(0);
      expect(JSON.parse(viaCli.stdout)).toEqual({ username: "alice", scheme: "jwt", fingerprint });

      const header = (await runCli(["token", "jwt", "--user", "alice", "--key", rsaPem], { env })).stdout.trim();
      expect(header).toMatch(/^JWT [\w-]+\.[\w-]+\.[\w-]+$/);
      const first = await fetch(`${server.url}/whoami`, { headers: { authorization: header } });
      expect(first.status).toBe(200);
      const replay = await fetch(`${server.url}/whoami`, { headers: { authorization: header } });
      expect(replay.status).toBe(401);
      expect(((await replay.json()) as { error: { code: string } }).error.code).toBe("replayed");

      // What asymmetric-jwt-auth's Token.create_auth_header does, with the system's PyJWT.
      const python = `import jwt, secrets, time, sys
key = open(sys.argv[1], "rb").read()
tok = jwt.encode({"username": "alice", "time": int(time.time()), "nonce": secrets.token_urlsafe(8)}, key, algorithm="RS512",
                 headers={"kid": sys.argv[2]})
print("JWT " + tok)`;
      const kid = "e9323344a9950443fe2c482f3f020990b81d80cfea4ede353ca5d8299a527ece";
      let pyHeader: string | null = null;
      try {
        pyHeader = execFileSync("/usr/bin/python3", ["-c", python, rsaPem, kid], { encoding: "utf8" }).trim();
      } catch {
        if (process.env.CI === "true") throw new Error("python3-jwt is required in CI");
      }
      if (pyHeader) {
        expect((await fetch(`${server.url}/whoami`, { headers: { authorization: pyHeader } })).status).toBe(200);
        expect((await fetch(`${server.url}/whoami`, { headers: { authorization: pyHeader } })).status).toBe(401);
      }

      expect((await runCli(["keys", "revoke", fingerprint!, "--reason", "rotated"], { env })).code).toBe(0);
      const revoked = await runCli(["request", `${server.url}/whoami`, "--user", "alice", "--key", rsaPem], { env });
      expect(revoked.code).not.toBe(0);
      expect(JSON.parse(revoked.stdout).error.code).toBe("key_revoked");
    } finally {
      expect(await server.stop()).toBe(0);
    }
    // SIGTERM flushed last-used before exit.
    const [key] = JSON.parse((await runCli(["keys", "list", "alice", "--json"], { env })).stdout);
    expect(key.status).toBe("revoked");
    expect(key.useCount).toBeGreaterThanOrEqual(3);
    expect(key.lastUsedScheme).toBe("jwt");
  });

  it("removes a key", async () => {
    const fingerprint = execFileSync("ssh-keygen", ["-lf", rsaPub], { encoding: "utf8" }).split(" ")[1]!;
    expect((await runCli(["keys", "remove", fingerprint], { env })).stdout).toBe(`removed ${fingerprint} of alice\n`);
    expect(JSON.parse((await runCli(["keys", "list", "alice", "--json"], { env })).stdout)).toEqual([]);
  });
});
