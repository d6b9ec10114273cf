// crtauth through the CLI, as a user runs it: `serve` (secret generated and kept in the
// database), `token crtauth` and `request --scheme crtauth`, with a key file and ssh-agent.
import { execFileSync } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CRTAUTH_SECRET_SETTING } from "../../strategy/store/crtauth-secret.js";
import { connectDatabase } from "../../strategy/store/prisma/client.js";
import { runCli, startServe } from "../support/cli.js";
import { createTestDatabase, databaseKinds, type TestDatabase } from "../support/databases.js";
import { writeFixtureKeyFile } from "../support/fixture-keys.js";
import { makeTmpDir, startAgent, type RunningAgent } from "../support/ssh-keygen.js";

describe.each(databaseKinds)("crtauth through the CLI on %s", (kind) => {
  let db: TestDatabase;
  let env: Record<string, string>;
  let tmp: { dir: string; cleanup: () => void };
  let agent: RunningAgent;
  let key: string;
  beforeAll(async () => {
    db = await createTestDatabase(kind);
    env = { DATABASE_URL: db.url };
    tmp = makeTmpDir("pssk-crtauth-cli-");
    // A fixture RSA key: ssh-keygen takes up to a second per RSA key.
    key = writeFixtureKeyFile("rsa2048-a", path.join(tmp.dir, "id_rsa"), "alice@test").key;
    agent = await startAgent(tmp.dir);
    agent.add(key);
    expect((await runCli(["users", "add", "alice"], { env })).code).toBe(0);
    expect((await runCli(["keys", "add", "alice", `${key}.pub`], { env })).code).toBe(0);
  }, 60_000);
  afterAll(async () => {
    await agent?.stop();
    await db?.drop();
    tmp?.cleanup();
  });

  const whoami = async (url: string, header: string) => {
    const res = await fetch(`${url}/whoami`, { headers: { authorization: header } });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  it("prints chap:<token> from a key file and the agent; request --scheme crtauth works; the secret survives restarts and is shared", async () => {
    const first = await startServe(env);
    let second: Awaited<ReturnType<typeof startServe>> | null = null;
    try {
      const fromFile = await runCli(["token", "crtauth", "--url", first.url, "--user", "alice", "--key", key], { env });
      expect(fromFile.stderr).toBe("");
      expect(fromFile.stdout).toMatch(/^chap:[A-Za-z0-9_-]+\n$/);
      const header = fromFile.stdout.trim();
      expect(await whoami(first.url, header)).toMatchObject({ status: 200, body: { username: "alice", scheme: "crtauth" } });

      const fromAgent = await runCli(["token", "crtauth", "--url", first.url, "--user", "alice", "--agent"], {
        env: { ...env, SSH_AUTH_SOCK: agent.socketPath },
      });
      expect(fromAgent.stdout).toMatch(/^chap:/);

      const request = await runCli(["request", `${first.url}/whoami`, "--scheme", "crtauth", "--user", "alice", "--agent"], {
        env: { ...env, SSH_AUTH_SOCK: agent.socketPath },
      });
      expect(request.code).toBe(0);
      expect(JSON.parse(request.stdout)).toMatchObject({ username: "alice", scheme: "crtauth" });

      // The generated secret is in the Setting table: a second instance (and a restart) shares it.
      const database = await connectDatabase(db.url);
      try {
        const row = await database.prisma.setting.findUnique({ where: { key: CRTAUTH_SECRET_SETTING } });
        expect(row?.value).toMatch(/^[A-Za-z0-9_-]{43}$/);
      } finally {
        await database.close();
      }
      second = await startServe(env);
      expect(await whoami(second.url, header)).toMatchObject({ status: 200, body: { scheme: "crtauth" } });
      await first.stop();
      const third = await startServe(env);
      try {
        expect((await whoami(third.url, header)).status).toBe(200);
      } finally {
        await third.stop();
      }
    } finally {
      if (first.child.exitCode === null) await first.stop();
      if (second) await second.stop();
    }
  }, 120_000);

  it("uses CRTAUTH_SECRET when set (tokens from the generated secret are then refused)", async () => {
    const generated = await startServe(env);
    let header: string;
    try {
      header = (await runCli(["token", "crtauth", "--url", generated.url, "--user", "alice", "--key", key], { env })).stdout.trim();
    } finally {
      await generated.stop();
    }
    const pinned = await startServe({ ...env, CRTAUTH_SECRET: "from-the-environment" });
    try {
      expect(await whoami(pinned.url, header)).toMatchObject({ status: 401, body: { error: { code: "invalid_credentials" } } });
      const fresh = await runCli(["token", "crtauth", "--url", pinned.url, "--user", "alice", "--key", key], { env });
      expect((await whoami(pinned.url, fresh.stdout.trim())).status).toBe(200);
    } finally {
      await pinned.stop();
    }
  }, 120_000);

  it("fails with one line for a non-RSA key, and asks for --url", async () => {
    const edKey = path.join(tmp.dir, "id_ed25519");
    execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", edKey], { stdio: "ignore" });
    const cases: [string[], RegExp, boolean][] = [
      [["token", "crtauth", "--url", "http://127.0.0.1:9/", "--user", "alice", "--key", edKey], /needs an RSA key/, true],
      [["token", "crtauth", "--user", "alice", "--key", key], /required option '--url/, false], // commander adds its usage
    ];
    for (const [args, message, oneLine] of cases) {
      const r = await runCli(args, { env });
      expect(r.code).not.toBe(0);
      expect(r.stderr).toMatch(message);
      if (oneLine) expect(r.stderr.trim().split("\n")).toHaveLength(1);
    }
  }, 120_000);
});
