// `--agent` with several keys in the agent, as ssh users have them: the CLI tries the keys
// that fit the scheme in the agent's order, moves on while the server refuses the key
// itself, and says on stderr which key signed. Key choice happens in the client, so one
// database kind is enough; the server is a real `serve` process.
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli, startServe } from "../support/cli.js";
import { createTestDatabase, type TestDatabase } from "../support/databases.js";
import { writeFixtureKeyFile } from "../support/fixture-keys.js";
import { keygenFingerprint, makeTmpDir, sshKeygen, startAgent, type RunningAgent } from "../support/ssh-keygen.js";

const tmp = makeTmpDir("cli-agent-choice-");
let agent: RunningAgent;
let db: TestDatabase;
let env: Record<string, string>;
let server: Awaited<ReturnType<typeof startServe>>;
const fp: Record<"stranger" | "ed25519" | "rsaOld" | "rsaNew", string> = { stranger: "", ed25519: "", rsaOld: "", rsaNew: "" };
const file: Record<keyof typeof fp, string> = { stranger: "", ed25519: "", rsaOld: "", rsaNew: "" };

beforeAll(async () => {
  file.stranger = sshKeygen(tmp.dir, "id_stranger", "ed25519");
  file.ed25519 = sshKeygen(tmp.dir, "id_ed25519", "ed25519");
  // Fixture RSA keys: ssh-keygen takes up to a second per RSA key.
  file.rsaOld = writeFixtureKeyFile("rsa2048-a", path.join(tmp.dir, "id_rsaOld"), "rsaOld").key;
  file.rsaNew = writeFixtureKeyFile("rsa2048-b", path.join(tmp.dir, "id_rsaNew"), "rsaNew").key;
  for (const name of Object.keys(fp) as (keyof typeof fp)[]) fp[name] = keygenFingerprint(`${file[name]}.pub`);
  agent = await startAgent(tmp.dir);
  // The unregistered key first: the one ssh-agent would offer first.
  for (const name of ["stranger", "ed25519", "rsaOld", "rsaNew"] as const) agent.add(file[name]);

  db = await createTestDatabase("sqlite");
  env = { DATABASE_URL: db.url, SSH_AUTH_SOCK: agent.socketPath, CRTAUTH_SECRET: "agent-choice-test-secret" };
  expect((await runCli(["users", "add", "alice"], { env })).code).toBe(0);
  // rsaNew is added last, so crtauth challenges name it (the newest active RSA key).
  for (const name of ["ed25519", "rsaOld", "rsaNew"] as const) {
    expect((await runCli(["keys", "add", "alice", `${file[name]}.pub`], { env })).code).toBe(0);
  }
  server = await startServe(env);
}, 120_000);

afterAll(async () => {
  await server?.stop();
  await agent?.stop();
  await db?.drop();
  tmp.cleanup();
});

const signedWith = (name: keyof typeof fp, type: string) => `signed with ${fp[name]} (${type})\n`;

describe("--agent with several keys", () => {
  it("request (JWT) passes over the unregistered key and signs with alice's", async () => {
    const r = await runCli(["request", `${server.url}/whoami`, "--user", "alice", "--agent"], { env });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ username: "alice", scheme: "jwt", fingerprint: fp.ed25519 });
    const lines = r.stderr.split("\n").filter(Boolean);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(
      new RegExp(
        `^${fp.stranger.replace(/[+/]/g, "\\$&")} \\(ssh-ed25519\\) refused \\((unknown_key|bad_signature|invalid_credentials)\\); trying the next agent key$`,
      ),
    );
    expect(`${lines[1]}\n`).toBe(signedWith("ed25519", "ssh-ed25519"));
  });

  it("request --scheme sshauth tries only Ed25519/ECDSA keys", async () => {
    const r = await runCli(["request", `${server.url}/whoami`, "--scheme", "sshauth", "--user", "alice", "--agent"], { env });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ scheme: "sshauth", fingerprint: fp.ed25519 });
    expect(r.stderr.endsWith(signedWith("ed25519", "ssh-ed25519"))).toBe(true);
    expect(r.stderr).not.toContain(fp.rsaOld);
  });

  it("crtauth signs with the RSA key the challenge names, not the agent's first RSA key", async () => {
    const request = await runCli(["request", `${server.url}/whoami`, "--scheme", "crtauth", "--user", "alice", "--agent"], { env });
    expect(request.code, request.stderr).toBe(0);
    expect(JSON.parse(request.stdout)).toMatchObject({ username: "alice", scheme: "crtauth" });
    expect(request.stderr).toBe(signedWith("rsaNew", "ssh-rsa"));

    const token = await runCli(["token", "crtauth", "--url", server.url, "--user", "alice", "--agent"], { env });
    expect(token.code, token.stderr).toBe(0);
    expect(token.stdout).toMatch(/^chap:[\w-]+\n$/);
    expect(token.stderr).toBe(signedWith("rsaNew", "ssh-rsa"));
  });

  it("login --agent moves on the same way", async () => {
    const r = await runCli(["login", `${server.url}/admin`, "--user", "alice", "--agent"], { env });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^${server.url}/admin/login/[\\w-]{43}\\n$`));
    expect(r.stderr.endsWith(signedWith("ed25519", "ssh-ed25519"))).toBe(true);
    // Without a URL: the console at HOST/PORT, where serve listens.
    const port = new URL(server.url).port;
    const byDefault = await runCli(["login", "--user", "alice", "--agent"], { env: { ...env, HOST: "127.0.0.1", PORT: port } });
    expect(byDefault.code, byDefault.stderr).toBe(0);
    expect(byDefault.stdout).toMatch(new RegExp(`^${server.url}/admin/login/[\\w-]{43}\\n$`));
  });

  it("token jwt|sshauth --agent signs with the first key that fits (or --fingerprint's) and says which", async () => {
    const first = await runCli(["token", "jwt", "--user", "alice", "--agent"], { env });
    expect([first.code, first.stderr]).toEqual([0, signedWith("stranger", "ssh-ed25519")]);
    const pinned = await runCli(["token", "jwt", "--user", "alice", "--agent", "--fingerprint", fp.rsaOld], { env });
    expect([pinned.code, pinned.stderr]).toEqual([0, signedWith("rsaOld", "ssh-rsa")]);
    expect((await fetch(`${server.url}/whoami`, { headers: { authorization: pinned.stdout.trim() } })).status).toBe(200);

    const sshauth = await runCli(["token", "sshauth", "--user", "alice", "--agent"], { env });
    expect([sshauth.code, sshauth.stderr]).toEqual([0, signedWith("stranger", "ssh-ed25519")]);
    const wrongType = await runCli(["token", "sshauth", "--user", "alice", "--agent", "--fingerprint", fp.rsaOld], { env });
    expect(wrongType.code).toBe(1);
    expect(wrongType.stderr).toBe(`passport-sshkey: sshauth cannot sign with ${fp.rsaOld} (ssh-rsa): it needs an Ed25519 or ECDSA P-256 key\n`);
  });

  it("a revoked key is passed over too; a disabled user stops the search", async () => {
    expect((await runCli(["keys", "revoke", fp.ed25519], { env })).code).toBe(0);
    const r = await runCli(["request", `${server.url}/whoami`, "--user", "alice", "--agent"], { env });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).fingerprint).toBe(fp.rsaOld);
    expect(r.stderr).toContain(`${fp.ed25519} (ssh-ed25519) refused (key_revoked)`);
    expect(r.stderr.endsWith(signedWith("rsaOld", "ssh-rsa"))).toBe(true);

    // Only Ed25519/ECDSA keys fit sshauth, and alice's is revoked: the last answer stands.
    const sshauth = await runCli(["request", `${server.url}/whoami`, "--scheme", "sshauth", "--user", "alice", "--agent"], { env });
    expect(sshauth.code).toBe(22);
    expect(JSON.parse(sshauth.stdout).error.code).toBe("key_revoked");

    expect((await runCli(["users", "disable", "alice"], { env })).stdout).toBe("user alice disabled\n");
    const disabled = await runCli(["request", `${server.url}/whoami`, "--user", "alice", "--agent"], { env });
    expect(disabled.code).toBe(22);
    expect(JSON.parse(disabled.stdout).error.code).toBe("user_disabled");
    // user_disabled would be the same with any key: rsaNew is never tried.
    expect(disabled.stderr).not.toContain(fp.rsaNew);
  });
});
