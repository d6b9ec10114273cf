// `passport-sshkey request --scheme rfc9421` and `token rfc9421` as a user runs them: keys
// registered through the CLI in an SQLite database, `passport-sshkey serve` answering, key files
// and a real ssh-agent holding several keys (the server does not know the first ones, and a
// P-521 key RFC 9421 cannot sign with); the printed header lines sent by curl. The lines
// `token` prints are also checked by the independent verifier.
import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli, startServe } from "../support/cli.js";
import { createTestDatabase, type TestDatabase } from "../support/databases.js";
import { writeFixtureKeyFile } from "../support/fixture-keys.js";
import { sha256ContentDigest, thirdPartyVerifies } from "../support/rfc9421-verifier.js";
import { keygenFingerprint, makeTmpDir, sshKeygen, startAgent, type RunningAgent } from "../support/ssh-keygen.js";

const tmp = makeTmpDir("cli-rfc9421-");
const file = { stranger: "", p521: "", ecdsa384: "", ed25519: "", rsa: "" };
const fp = { ...file };
let agent: RunningAgent;
let db: TestDatabase;
let env: Record<string, string>;
let server: Awaited<ReturnType<typeof startServe>>;

beforeAll(async () => {
  file.stranger = sshKeygen(tmp.dir, "id_stranger", "ed25519");
  file.p521 = sshKeygen(tmp.dir, "id_p521", "ecdsa521");
  file.ecdsa384 = sshKeygen(tmp.dir, "id_ecdsa384", "ecdsa384");
  file.ed25519 = sshKeygen(tmp.dir, "id_ed25519", "ed25519");
  file.rsa = writeFixtureKeyFile("rsa2048-g", path.join(tmp.dir, "id_rsa"), "rsa@test").key;
  for (const name of Object.keys(file) as (keyof typeof file)[]) fp[name] = keygenFingerprint(`${file[name]}.pub`);
  agent = await startAgent(tmp.dir);
  // As agents often hold them: keys the server does not know, and one RFC 9421 cannot use, first.
  for (const name of ["p521", "stranger", "rsa", "ecdsa384"] as const) agent.add(file[name]);

  db = await createTestDatabase("sqlite");
  env = { DATABASE_URL: db.url, SSH_AUTH_SOCK: agent.socketPath };
  for (const args of [
    ["users", "add", "alice"],
    ["keys", "add", "alice", `${file.ed25519}.pub`, "--comment", "laptop"],
    ["keys", "add", "alice", `${file.ecdsa384}.pub`],
    ["users", "add", "bob"],
    ["keys", "add", "bob", `${file.rsa}.pub`],
  ]) {
    const r = await runCli(args, { env });
    expect(r.code, `${args.join(" ")}: ${r.stderr}`).toBe(0);
  }
  server = await startServe(env);
}, 120_000);

afterAll(async () => {
  await server?.stop();
  await agent?.stop();
  await db?.drop();
  tmp.cleanup();
});

const signedWith = (name: keyof typeof fp, type: string) => `signed with ${fp[name]} (${type})`;

describe("request --scheme rfc9421", () => {
  it("with a key file: 200 as the key's owner, no --user", async () => {
    const r = await runCli(["request", `${server.url}/whoami?from=cli`, "--scheme", "rfc9421", "--key", file.ed25519], { env });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ username: "alice", scheme: "rfc9421", fingerprint: fp.ed25519 });
    expect(r.stderr).toBe("");
  });

  it("POST with a body (-X, -d, -H): the Content-Digest is signed and checked", async () => {
    const r = await runCli(
      ["request", `${server.url}/whoami`, "--scheme", "rfc9421", "--key", file.rsa, "-X", "POST", "-d", '{"a":1}', "-H", "Content-Type: application/json"],
      { env },
    );
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ username: "bob", scheme: "rfc9421", fingerprint: fp.rsa });
  });

  it("--agent passes over the keys the server refuses and signs with the one it knows; P-521 is never offered", async () => {
    const r = await runCli(["request", `${server.url}/whoami`, "--scheme", "rfc9421", "--agent"], { env });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ scheme: "rfc9421" });
    const lines = r.stderr.split("\n").filter(Boolean);
    expect(lines.join("\n")).not.toContain(fp.p521);
    expect(lines[0]).toMatch(new RegExp(`^${fp.stranger.replace(/[+/]/g, "\\$&")} \\(ssh-ed25519\\) refused \\(\\w+\\); trying the next agent key$`));
    // The agent's next key is bob's RSA key, which the server accepts.
    expect(lines.slice(1)).toEqual([signedWith("rsa", "ssh-rsa")]);
    expect(JSON.parse(r.stdout)).toMatchObject({ username: "bob", fingerprint: fp.rsa });
  });

  it("--agent --fingerprint signs with that key, POST with a body", async () => {
    const r = await runCli(["request", `${server.url}/whoami`, "--scheme", "rfc9421", "--agent", "--fingerprint", fp.ecdsa384, "-X", "PUT", "-d", "payload"], {
      env,
    });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ username: "alice", scheme: "rfc9421", fingerprint: fp.ecdsa384 });
    expect(r.stderr).toBe(`${signedWith("ecdsa384", "ecdsa-sha2-nistp384")}\n`);
  });

  it("refusals: a P-521 key file, --user, --label elsewhere, another scheme without --user", async () => {
    const p521 = await runCli(["request", `${server.url}/whoami`, "--scheme", "rfc9421", "--key", file.p521], { env });
    expect(p521.code).toBe(1);
    expect(p521.stderr).toMatch(/^passport-sshkey: RFC 9421 has no registered algorithm for ecdsa-sha2-nistp521/);
    const p521Agent = await runCli(["request", `${server.url}/whoami`, "--scheme", "rfc9421", "--agent", "--fingerprint", fp.p521], { env });
    expect(p521Agent.code).toBe(1);
    expect(p521Agent.stderr).toContain("rfc9421 cannot sign with");
    const user = await runCli(["request", `${server.url}/whoami`, "--scheme", "rfc9421", "--user", "alice", "--key", file.ed25519], { env });
    expect(user.code).toBe(1);
    expect(user.stderr).toContain("rfc9421 names the user by the key (keyid): no --user");
    const label = await runCli(["request", `${server.url}/whoami`, "--user", "alice", "--key", file.ed25519, "--label", "x"], { env });
    expect(label.code).toBe(1);
    expect(label.stderr).toContain("--label is an rfc9421 option");
    const noUser = await runCli(["request", `${server.url}/whoami`, "--key", file.ed25519], { env });
    expect(noUser.code).toBe(1);
    expect(noUser.stderr).toContain("jwt needs --user <username>");
  });

  it("a key the server does not know: 401 and exit 22", async () => {
    const r = await runCli(["request", `${server.url}/whoami`, "--scheme", "rfc9421", "--key", file.stranger], { env });
    expect(r.code).toBe(22);
    expect(JSON.parse(r.stdout)).toMatchObject({ error: { code: expect.any(String) } });
  });
});

describe("token rfc9421", () => {
  it("prints Signature-Input and Signature lines that curl -H @file sends; the server answers 200 once", async () => {
    const url = `${server.url}/whoami?x=1`;
    const r = await runCli(["token", "rfc9421", "--url", url, "--key", file.ed25519], { env });
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.split("\n").filter(Boolean);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^Signature-Input: sig1=\("@method" "@target-uri"\);created=\d+;nonce="[\w-]+";alg="ed25519";keyid="SHA256:[^"]+"$/);
    expect(lines[1]).toMatch(/^Signature: sig1=:[A-Za-z0-9+/=]+:$/);
    const headers = Object.fromEntries(lines.map((line) => [line.slice(0, line.indexOf(":")), line.slice(line.indexOf(":") + 2)]));
    expect(await thirdPartyVerifies(`${file.ed25519}.pub`, { method: "GET", url, headers })).toBe(true);

    const curl = (headerLines: string) =>
      promisify(execFile)("bash", ["-c", `curl -s -H @<(printf %s "$SIGNATURE_LINES") "$URL"`], {
        env: { ...process.env, SIGNATURE_LINES: headerLines, URL: url },
      });
    expect(JSON.parse((await curl(r.stdout)).stdout)).toEqual({ username: "alice", scheme: "rfc9421", fingerprint: fp.ed25519 });
    expect(JSON.parse((await curl(r.stdout)).stdout)).toMatchObject({ error: { code: "replayed" } });
  });

  it("-X and -d: a Content-Digest line too, for the body curl sends", async () => {
    const url = `${server.url}/whoami`;
    const r = await runCli(["token", "rfc9421", "--url", url, "-X", "POST", "-d", "hello world", "--agent", "--fingerprint", fp.ecdsa384, "--label", "cli"], {
      env,
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe(`${signedWith("ecdsa384", "ecdsa-sha2-nistp384")}\n`);
    const lines = r.stdout.split("\n").filter(Boolean);
    expect(lines.map((line) => line.slice(0, line.indexOf(":")))).toEqual(["Signature-Input", "Signature", "Content-Digest"]);
    expect(lines[0]).toMatch(/^Signature-Input: cli=\("@method" "@target-uri" "content-digest"\);.*;alg="ecdsa-p384-sha384";/);
    expect(lines[2]).toBe(`Content-Digest: ${sha256ContentDigest("hello world")}`);
    const { stdout } = await promisify(execFile)("bash", ["-c", `curl -s -X POST --data-binary "hello world" -H @<(printf %s "$SIGNATURE_LINES") "$URL"`], {
      env: { ...process.env, SIGNATURE_LINES: r.stdout, URL: url },
    });
    expect(JSON.parse(stdout)).toEqual({ username: "alice", scheme: "rfc9421", fingerprint: fp.ecdsa384 });
  });

  it("--agent takes the first key that fits (not P-521), and says which", async () => {
    const r = await runCli(["token", "rfc9421", "--url", `${server.url}/whoami`, "--agent"], { env });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe(`${signedWith("stranger", "ssh-ed25519")}\n`);
  });

  it("has no --user, and needs --url, a URL", async () => {
    const user = await runCli(["token", "rfc9421", "--url", `${server.url}/whoami`, "--user", "alice", "--key", file.ed25519], { env });
    expect(user.code).not.toBe(0);
    expect(user.stderr).toContain("unknown option '--user'");
    const url = await runCli(["token", "rfc9421", "--key", file.ed25519], { env });
    expect(url.code).not.toBe(0);
    expect(url.stderr).toContain("required option '--url <url>'");
    const notUrl = await runCli(["token", "rfc9421", "--url", "example.com/whoami", "--key", file.ed25519], { env });
    expect(notUrl).toMatchObject({ code: 1, stderr: "passport-sshkey: not a URL: example.com/whoami\n" });
  });
});
