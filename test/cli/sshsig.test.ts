// `passport-sshkey request --scheme sshsig` and `token sshsig` against the demo app: key files,
// a real ssh-agent holding several keys of which the server knows one, --cert (checked by the
// real `ssh-keygen -Y verify`), and the one-line explanation of an agent's refusal.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { parsePublicKey } from "../../strategy/keys/parse.js";
import { decodeSshsigBlob } from "../../strategy/schemes/sshsig/blob.js";
import { readText } from "../client/helpers.js";
import { runCli } from "../support/cli.js";
import { writeFixtureKeyFile } from "../support/fixture-keys.js";
import { startTestServer, type MemoryTestServer } from "../support/server.js";
import { keygenFingerprint, makeTmpDir, sshKeygen, sshKeygenVerify, startAgent, type RunningAgent } from "../support/ssh-keygen.js";

const tmp = makeTmpDir("cli-sshsig-");
const file = { stranger: "", ecdsa: "", ed25519: "", rsa: "", ca: "", constrained: "" };
const fp = { ...file };
let agent: RunningAgent;
let t: MemoryTestServer;
let env: Record<string, string>;

beforeAll(async () => {
  file.stranger = sshKeygen(tmp.dir, "id_stranger", "ed25519");
  file.ecdsa = sshKeygen(tmp.dir, "id_ecdsa", "ecdsa256");
  file.ed25519 = sshKeygen(tmp.dir, "id_ed25519", "ed25519");
  file.rsa = writeFixtureKeyFile("rsa2048-d", path.join(tmp.dir, "id_rsa"), "rsa@test").key;
  file.ca = sshKeygen(tmp.dir, "ca", "ed25519");
  file.constrained = sshKeygen(tmp.dir, "id_constrained", "ed25519");
  for (const name of Object.keys(file) as (keyof typeof file)[]) fp[name] = keygenFingerprint(`${file[name]}.pub`);
  execFileSync("ssh-keygen", ["-q", "-s", file.ca, "-I", "alice-cert", "-n", "alice", "-V", "-5m:+1h", `${file.ed25519}.pub`], { stdio: "ignore" });

  agent = await startAgent(tmp.dir);
  // Keys the server does not know first, as a user's agent often has them.
  for (const name of ["stranger", "ecdsa", "ed25519", "rsa"] as const) agent.add(file[name]);
  const hostKey = sshKeygen(tmp.dir, "hostkey", "ed25519");
  const knownHosts = path.join(tmp.dir, "known_hosts");
  writeFileSync(knownHosts, `somehost ${readText(`${hostKey}.pub`).split(" ").slice(0, 2).join(" ")}\n`);
  execFileSync("ssh-add", ["-q", "-H", knownHosts, "-h", "somehost", file.constrained], {
    env: { ...process.env, SSH_AUTH_SOCK: agent.socketPath },
    stdio: "ignore",
  });
  env = { SSH_AUTH_SOCK: agent.socketPath };

  t = await startTestServer("memory", { exposeErrorCodes: true, crtauth: { secret: "cli-sshsig-session-secret" } });
  await t.store.directory.addUser("alice");
  for (const name of ["rsa", "constrained"] as const) await t.store.directory.addKey("alice", readText(`${file[name]}.pub`));
  await t.store.directory.addUser("bob");
  await t.store.directory.addKey("bob", readText(`${file.ed25519}.pub`));
}, 60_000);

// The CLI signs with the wall clock.
beforeEach(() => {
  t.clock.now = Date.now();
});

afterAll(async () => {
  await t?.close();
  await agent?.stop();
  tmp.cleanup();
});

const signedWith = (name: keyof typeof fp, type: string) => `signed with ${fp[name]} (${type})`;
const signatureOf = (header: string) => /signature="([^"]+)"/.exec(header)![1]!;

describe("request --scheme sshsig", () => {
  it("with a key file, GET and POST with a body", async () => {
    const get = await runCli(["request", `${t.url}/whoami`, "--scheme", "sshsig", "--user", "alice", "--key", file.rsa], { env });
    expect(get.code, get.stderr).toBe(0);
    expect(JSON.parse(get.stdout)).toEqual({ username: "alice", scheme: "sshsig", fingerprint: fp.rsa });
    expect(get.stderr).toBe("");
    const post = await runCli(
      [
        "request",
        `${t.url}/whoami?from=cli`,
        "--scheme",
        "sshsig",
        "--user",
        "bob",
        "--key",
        file.ed25519,
        "-X",
        "POST",
        "-d",
        '{"a":1}',
        "-H",
        "Content-Type: application/json",
      ],
      {
        env,
      },
    );
    expect(post.code, post.stderr).toBe(0);
    expect(JSON.parse(post.stdout)).toMatchObject({ username: "bob", scheme: "sshsig" });
  });

  it("--agent passes over the keys the server refuses and signs with alice's RSA key", async () => {
    const r = await runCli(["request", `${t.url}/whoami`, "--scheme", "sshsig", "--user", "alice", "--agent"], { env });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ scheme: "sshsig", fingerprint: fp.rsa });
    const lines = r.stderr.split("\n").filter(Boolean);
    expect(lines.slice(0, 3)).toEqual(
      (["stranger", "ecdsa", "ed25519"] as const).map(
        (name) => `${fp[name]} (${name === "ecdsa" ? "ecdsa-sha2-nistp256" : "ssh-ed25519"}) refused (unknown_key); trying the next agent key`,
      ),
    );
    expect(lines.slice(3)).toEqual([signedWith("rsa", "ssh-rsa")]);
  });

  it("--agent --cert signs with the one agent key the certificate is for", async () => {
    const r = await runCli(["request", `${t.url}/whoami`, "--scheme", "sshsig", "--user", "bob", "--agent", "--cert", `${file.ed25519}-cert.pub`], { env });
    // This server trusts no CA yet; what matters here is which key signed.
    expect(r.stderr).toContain(signedWith("ed25519", "ssh-ed25519"));
    expect(r.stderr).not.toContain(fp.stranger);
  });

  it("a destination-constrained agent key: one line naming the key and the likely causes", async () => {
    const r = await runCli(["request", `${t.url}/whoami`, "--scheme", "sshsig", "--user", "alice", "--agent", "--fingerprint", fp.constrained], { env });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    const lines = r.stderr.split("\n").filter(Boolean);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^passport-sshkey: ssh-agent refused to sign with ${fp.constrained.replace(/[+/]/g, "\\$&")} \\(ssh-ed25519\\)`));
    expect(lines[0]).toContain("destination constraint (ssh-add -h)");
  });

  it("--agent moves on past a key the agent will not sign with, saying why, as ssh does", async () => {
    const dir = path.join(tmp.dir, "second-agent");
    mkdirSync(dir);
    const second = await startAgent(dir);
    try {
      execFileSync("ssh-add", ["-q", "-H", path.join(tmp.dir, "known_hosts"), "-h", "somehost", file.constrained], {
        env: { ...process.env, SSH_AUTH_SOCK: second.socketPath },
        stdio: "ignore",
      });
      second.add(file.rsa);
      const r = await runCli(["request", `${t.url}/whoami`, "--scheme", "sshsig", "--user", "alice", "--agent"], { env: { SSH_AUTH_SOCK: second.socketPath } });
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ fingerprint: fp.rsa });
      const lines = r.stderr.split("\n").filter(Boolean);
      expect(lines).toHaveLength(2);
      expect(lines[0]).toMatch(new RegExp(`^ssh-agent refused to sign with ${fp.constrained.replace(/[+/]/g, "\\$&")} .*; trying the next agent key$`));
      expect(lines[1]).toBe(signedWith("rsa", "ssh-rsa"));
    } finally {
      await second.stop();
    }
  });

  it("sshsig options are refused with other schemes", async () => {
    const r = await runCli(["request", `${t.url}/whoami`, "--user", "alice", "--key", file.rsa, "--cert", `${file.ed25519}-cert.pub`], { env });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("--namespace and --cert are sshsig options");
  });
});

describe("token sshsig", () => {
  it("--session: one signature at /_sshsig/token, the agent's keys tried in turn, a token good for many requests", async () => {
    const r = await runCli(["token", "sshsig", "--session", "--url", t.url, "--user", "alice", "--agent"], { env });
    expect(r.code, r.stderr).toBe(0);
    const header = r.stdout.trim();
    expect(header).toMatch(/^SSHSIG-Token [A-Za-z0-9_-]+$/);
    const lines = r.stderr.split("\n").filter(Boolean);
    expect(lines.filter((line) => line.includes("refused (unknown_key); trying the next agent key"))).toHaveLength(3);
    expect(lines).toContain(signedWith("rsa", "ssh-rsa"));
    expect(lines.find((line) => line.startsWith("token valid until "))).toBeDefined();
    for (let i = 0; i < 3; i++) {
      const reply = await fetch(`${t.url}/whoami`, { headers: { authorization: header } });
      expect(reply.status).toBe(200);
      expect(await reply.json()).toMatchObject({ username: "alice", scheme: "sshsig-token", fingerprint: fp.rsa });
    }
  });

  it("--session: a refused exchange exits 1 with the server's code, and -X/-d are refused", async () => {
    const refused = await runCli(["token", "sshsig", "--session", "--url", t.url, "--user", "nobody", "--key", file.rsa], { env });
    expect(refused.code).toBe(1);
    expect(refused.stdout).toBe("");
    expect(refused.stderr).toMatch(/POST \/_sshsig\/token refused: HTTP 401: unknown_key/);
    const misuse = await runCli(["token", "sshsig", "--session", "--url", t.url, "-X", "POST", "--user", "alice", "--key", file.rsa], { env });
    expect(misuse.code).toBe(1);
    expect(misuse.stderr).toContain("no -X or -d");
  });

  it("prints a header the server accepts for that request; --namespace is signed", async () => {
    const url = `${t.url}/whoami`;
    const r = await runCli(["token", "sshsig", "--url", url, "-X", "PUT", "-d", "payload", "--user", "alice", "--agent", "--fingerprint", fp.rsa], { env });
    expect(r.code, r.stderr).toBe(0);
    const header = r.stdout.trim();
    expect(header).toMatch(/^SSHSIG username="alice", time="\d+", nonce="[A-Za-z0-9_-]+", signature="[A-Za-z0-9+/=]+"$/);
    expect(r.stderr).toBe(`${signedWith("rsa", "ssh-rsa")}\n`);
    expect(decodeSshsigBlob(Buffer.from(signatureOf(header), "base64")).signatureType).toBe("rsa-sha2-512");
    const ok = await fetch(url, { method: "PUT", body: "payload", headers: { authorization: header } });
    expect(ok.status).toBe(200);

    const other = await runCli(["token", "sshsig", "--url", url, "--namespace", "api@example.com", "--user", "alice", "--key", file.rsa], { env });
    expect(decodeSshsigBlob(Buffer.from(signatureOf(other.stdout.trim()), "base64")).namespace).toBe("api@example.com");
  });

  it("--cert: the blob carries the certificate, and ssh-keygen -Y verify accepts it against the CA", async () => {
    const url = `${t.url}/api/things?x=1`;
    const r = await runCli(["token", "sshsig", "--url", url, "--user", "alice", "--key", file.ed25519, "--cert", `${file.ed25519}-cert.pub`], { env });
    expect(r.code, r.stderr).toBe(0);
    const header = r.stdout.trim();
    const blob = decodeSshsigBlob(Buffer.from(signatureOf(header), "base64"));
    expect(blob.keyType).toBe("ssh-ed25519-cert-v01@openssh.com");
    const [, time, nonce] = /time="(\d+)", nonce="([^"]+)"/.exec(header)!;
    const emptyBody = createHash("sha256").update("").digest("base64");
    const message = ["SSHSIG-HTTP-1", "alice", time, nonce, "GET", new URL(t.url).host, "/api/things?x=1", emptyBody].join("\n");
    const verified = sshKeygenVerify(tmp.dir, {
      signature: signatureOf(header),
      message,
      principal: "alice",
      allowedSigner: `cert-authority ${readText(`${file.ca}.pub`).trim()}`,
      namespace: "http@passport-sshkey",
    });
    expect(verified.status, verified.out).toBe(0);
    expect(verified.out).toContain('Good "http@passport-sshkey" signature for alice with ED25519-CERT');
  });

  it("a certificate of another key is one clear line", async () => {
    const r = await runCli(["token", "sshsig", "--url", t.url, "--user", "alice", "--key", file.rsa, "--cert", `${file.ed25519}-cert.pub`], { env });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`passport-sshkey: the certificate ${file.ed25519}-cert.pub is for another key than ${fp.rsa}\n`);
  });

  it("--cert signs alice in once the server trusts the CA (the certificate names alice)", async () => {
    await t.store.authorities.add("cli-ca", parsePublicKey(readText(`${file.ca}.pub`)), "username");
    const r = await runCli(
      ["request", `${t.url}/whoami`, "--scheme", "sshsig", "--user", "alice", "--key", file.ed25519, "--cert", `${file.ed25519}-cert.pub`],
      { env },
    );
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ username: "alice", scheme: "sshsig" });
  });
});
