// Security keys as users have them: enrolled by the real `ssh-keygen -t ed25519-sk/ecdsa-sk`,
// signed by the real `ssh-keygen -Y sign` (the README's shell client, verbatim) and by a real
// ssh-agent (`ssh-add -S`) through our client and CLI. The authenticator behind OpenSSH is
// the software provider test/fixtures/sk-soft/sk-soft.c; what a hardware key would decide
// (touch, PIN, counter) is steered through its SK_SOFT_* environment variables.
import { execFile } from "node:child_process";
import { chmodSync, writeFileSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AgentError, agentSigner, authorizationFor, ClientKeyError, loadKeyFileSigner } from "../../../strategy/client/index.js";
import { parsePublicKey } from "../../../strategy/keys/index.js";
import { readmeBlocks } from "../../package/readme-blocks.js";
import { root, runCli } from "../../support/cli.js";
import { startTestServer, type MemoryTestServer } from "../../support/server.js";
import { skSoftProvider } from "../../support/sk-soft.js";
import { KeyDir, keygenFingerprint, startAgent, type RunningAgent } from "../../support/ssh-keygen.js";

const provider = skSoftProvider();
const [readmeClient] = readmeBlocks(path.join(root, "README.md"), "SSHSIG (ssh-keygen + curl)").filter((b) => b.lang === "sh");

/** The README's first SSHSIG block with KEY and URL set here; everything else verbatim (it signs in as alice). */
function client(key: string, url: string): string {
  const script = readmeClient!.code.replace("KEY=~/.ssh/id_ed25519 ", `KEY=${key} `).replace("URL=http://127.0.0.1:3000/whoami ", `URL=${url} `);
  if (!script.includes(`KEY=${key} `) || !script.includes(`URL=${url} `)) throw new Error("README SSHSIG block: KEY=… URL=… line changed");
  return script;
}

/** Defined before the block, so its curl also prints the HTTP status on a last line. */
const curlWithStatus = "curl() { command curl -s -w '\\n%{http_code}' \"$@\"; }\n";

interface Reply {
  username?: string;
  scheme?: string;
  error?: { code: string };
}

describe.skipIf(!provider.path)(`real OpenSSH with security keys${provider.missing ? ` (skipped: ${provider.missing})` : ""}`, () => {
  const sk = provider.path!;
  const keys = new KeyDir();
  const counterFile = keys.path("counter");
  let t: MemoryTestServer;
  let agent: RunningAgent;

  /** ssh-keygen enrols a key with the provider, as with a plugged-in authenticator. */
  function enrol(name: string, type: "ed25519-sk" | "ecdsa-sk", options: string[] = []): string {
    keys.sshKeygen(name, type, ["-w", sk, ...options.flatMap((o) => ["-O", o])]);
    return keys.path(name);
  }

  /** Adds the key `name` to alice (the README's user), as `options` + its .pub line. */
  async function addKey(name: string, options = ""): Promise<string> {
    return (await t.store.directory.addKey("alice", `${options ? `${options} ` : ""}${keys.read(`${name}.pub`)}`)).id;
  }

  /** The README client run by bash; `env` is the authenticator's (SK_SOFT_*) and ssh-keygen's. */
  async function signIn(name: string, env: Record<string, string> = {}): Promise<{ status: number; body: Reply }> {
    t.clock.now = Date.now();
    const { stdout } = await promisify(execFile)("bash", ["-c", curlWithStatus + client(keys.path(name), `${t.url}/whoami`)], {
      encoding: "utf8",
      env: { ...process.env, SSH_AUTH_SOCK: "", SSH_SK_PROVIDER: sk, SK_SOFT_COUNTER_FILE: counterFile, ...env },
    });
    const lines = stdout.trimEnd().split("\n");
    return { status: Number(lines.pop()), body: JSON.parse(lines.join("\n")) as Reply };
  }

  beforeAll(async () => {
    enrol("ed25519_sk", "ed25519-sk");
    enrol("ecdsa_sk", "ecdsa-sk");
    enrol("notouch_sk", "ed25519-sk", ["no-touch-required"]);
    enrol("pin_sk", "ecdsa-sk", ["verify-required"]);
    enrol("agent_sk", "ecdsa-sk");
    keys.sshKeygen("plain", "ed25519");
    t = await startTestServer("memory", { exposeErrorCodes: true, crtauth: { secret: "openssh-sk-session-secret" } });
    await t.store.directory.addUser("alice");
    agent = await startAgent(keys.dir, { skProvider: sk });
    agent.add(keys.path("plain"));
    agent.add(keys.path("agent_sk"));
  }, 60_000);
  afterAll(async () => {
    await agent?.stop();
    await t?.close();
    keys.cleanup();
  });

  it.each([
    ["ed25519_sk", "sk-ssh-ed25519@openssh.com"],
    ["ecdsa_sk", "sk-ecdsa-sha2-nistp256@openssh.com"],
  ])("ssh-keygen's %s key: our codec reads its .pub, with ssh-keygen -lf's fingerprint", (name, type) => {
    const parsed = parsePublicKey(keys.read(`${name}.pub`));
    expect(parsed.type).toBe(type);
    expect(parsed.securityKey?.application).toBe("ssh:");
    expect(parsed.fingerprintSha256).toBe(keygenFingerprint(keys.path(`${name}.pub`)));
  });

  it.each(["ed25519_sk", "ecdsa_sk"])("the README's shell client signs in with the %s key (ssh-keygen -Y sign, SSH_SK_PROVIDER)", async (name) => {
    const keyId = await addKey(name);
    writeFileSync(counterFile, "41\n");
    const r = await signIn(name);
    expect([r.status, r.body]).toMatchObject([200, { username: "alice", scheme: "sshsig" }]);
    expect((await t.store.directory.findKeyById(keyId)).signCounter).toBe(42);
  });

  it("a no-touch-required key signs without user presence: accepted when stored no-touch-required, else 401 user_presence_required", async () => {
    await addKey("notouch_sk", "no-touch-required");
    expect(await signIn("notouch_sk")).toMatchObject({ status: 200, body: { username: "alice" } });
    enrol("notouch2_sk", "ed25519-sk", ["no-touch-required"]);
    await addKey("notouch2_sk");
    expect(await signIn("notouch2_sk")).toMatchObject({ status: 401, body: { error: { code: "user_presence_required" } } });
  });

  it("a verify-required key: ssh-keygen asks for the PIN and the signature carries user verification; without it, 401", async () => {
    await addKey("pin_sk", "verify-required");
    const askpass = keys.path("askpass");
    writeFileSync(askpass, "#!/bin/sh\necho 123456\n");
    chmodSync(askpass, 0o700);
    const pinEnv = { SSH_ASKPASS: askpass, SSH_ASKPASS_REQUIRE: "force" };
    expect(await signIn("pin_sk", pinEnv)).toMatchObject({ status: 200, body: { username: "alice" } });
    // The authenticator answers touched but not verified (what a key without a PIN set does).
    expect(await signIn("pin_sk", { ...pinEnv, SK_SOFT_FLAGS: "0x01" })).toMatchObject({
      status: 401,
      body: { error: { code: "user_verification_required" } },
    });
  });

  it("a certified security key (no key uploaded): touch required unless the certificate has no-touch-required; verify-required asks for the PIN", async () => {
    keys.sshKeygen("sk_ca", "ed25519");
    await t.store.authorities.add("sk-ca", parsePublicKey(keys.read("sk_ca.pub")), "username");
    /** A fresh security key and its certificate for alice; returns the -cert.pub name to sign with. */
    const certified = (name: string, options: string[]) => {
      enrol(name, "ed25519-sk");
      keys.run("ssh-keygen", ["-q", "-s", "sk_ca", "-I", name, "-n", "alice", "-V", "+1h", ...options.flatMap((o) => ["-O", o]), `${name}.pub`]);
      return `${name}-cert.pub`;
    };
    const touched = certified("cert_touch_sk", []);
    expect(await signIn(touched)).toMatchObject({ status: 200, body: { username: "alice", scheme: "sshsig" } });
    expect(await signIn(touched, { SK_SOFT_FLAGS: "0x00" })).toMatchObject({ status: 401, body: { error: { code: "user_presence_required" } } });
    expect(await signIn(certified("cert_notouch_sk", ["no-touch-required"]), { SK_SOFT_FLAGS: "0x00" })).toMatchObject({ status: 200 });
    const pin = certified("cert_pin_sk", ["verify-required"]);
    expect(await signIn(pin, { SK_SOFT_FLAGS: "0x01" })).toMatchObject({ status: 401, body: { error: { code: "user_verification_required" } } });
    expect(await signIn(pin, { SK_SOFT_FLAGS: "0x05" })).toMatchObject({ status: 200, body: { username: "alice" } });
  });

  it("a counter that goes backwards (a cloned key) signs in with an alarm event", async () => {
    enrol("counted_sk", "ed25519-sk");
    const keyId = await addKey("counted_sk");
    writeFileSync(counterFile, "100\n");
    expect((await signIn("counted_sk")).status).toBe(200);
    writeFileSync(counterFile, "5\n");
    expect((await signIn("counted_sk")).status).toBe(200);
    expect((await t.store.directory.findKeyById(keyId)).signCounter).toBe(101);
    await t.store.events.flush();
    const events = (await t.store.eventLog.page({ keyId, limit: 10 })).items.reverse();
    expect(events.map((e) => [e.outcome, e.errorCode])).toEqual([
      ["success", null],
      ["alarm", "sign_counter_regressed"],
      ["success", null],
    ]);
  });

  describe("through ssh-agent (ssh-add -S): the client signs SSHSIG with the security key", () => {
    let skFingerprint: string;
    beforeAll(async () => {
      await t.store.directory.addUser("agent-user");
      await t.store.directory.addKey("agent-user", keys.read("agent_sk.pub"));
      skFingerprint = keygenFingerprint(keys.path("agent_sk.pub"));
    });
    const env = () => ({ SSH_AUTH_SOCK: agent.socketPath });

    it("request --scheme sshsig --agent: the plain key is refused, the sk key signs in", async () => {
      t.clock.now = Date.now();
      const r = await runCli(["request", `${t.url}/whoami`, "--scheme", "sshsig", "--user", "agent-user", "--agent"], { env: env() });
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ username: "agent-user", scheme: "sshsig" });
      expect(r.stderr).toContain(`signed with ${skFingerprint} (sk-ecdsa-sha2-nistp256@openssh.com)`);
      expect(r.stderr).toMatch(/refused \(unknown_key\); trying the next agent key/);
    });

    it("token sshsig --session --agent: one sk signature, a token for many requests", async () => {
      t.clock.now = Date.now();
      const r = await runCli(["token", "sshsig", "--session", "--url", t.url, "--user", "agent-user", "--agent"], { env: env() });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toContain(`signed with ${skFingerprint}`);
      const header = r.stdout.trim();
      for (let i = 0; i < 2; i++) {
        const reply = await fetch(`${t.url}/whoami`, { headers: { authorization: header } });
        expect([reply.status, await reply.json()]).toMatchObject([200, { username: "agent-user", scheme: "sshsig-token" }]);
      }
    });

    it("the other schemes never offer the agent's security key: only the plain key signs (and is refused, HTTP 401)", async () => {
      t.clock.now = Date.now();
      const r = await runCli(["request", `${t.url}/whoami`, "--scheme", "jwt", "--user", "agent-user", "--agent"], { env: env() });
      expect([r.code, r.stdout]).toEqual([22, expect.stringContaining("unknown_key")]);
      expect(r.stderr).not.toContain(skFingerprint);
      expect(r.stderr).toContain(`signed with ${keygenFingerprint(keys.path("plain.pub"))} (ssh-ed25519)`);
    });

    it("an agent whose security key is not touched in time: the refusal says so, and --agent moves on to the next key", async () => {
      const untouched = await startAgent(keys.dir, { skProvider: sk, socketName: "untouched.sock", env: { SK_SOFT_REFUSE: "1" } });
      try {
        untouched.add(keys.path("agent_sk"));
        const signer = await agentSigner({ socketPath: untouched.socketPath });
        const refusal = await signer.sign(Buffer.from("data")).catch((e: unknown) => e);
        signer.close();
        expect(refusal).toBeInstanceOf(AgentError);
        expect(refusal).toMatchObject({ code: "agent_refused", message: expect.stringMatching(/not touched in time.*PIN.*OpenSSH 8\.9/) });
        untouched.add(keys.path("plain"));
        t.clock.now = Date.now();
        const r = await runCli(["request", `${t.url}/whoami`, "--scheme", "sshsig", "--user", "agent-user", "--agent"], {
          env: { SSH_AUTH_SOCK: untouched.socketPath },
        });
        expect(r.stderr).toContain(`refused to sign with ${skFingerprint}`);
        expect(r.stderr).toContain("trying the next agent key");
        expect(r.code).toBe(22);
      } finally {
        await untouched.stop();
      }
    });

    it("a key file of a security key is refused, pointing to ssh-agent and ssh-keygen", async () => {
      const refusal = await loadKeyFileSigner(keys.path("agent_sk")).catch((e: unknown) => e);
      expect(refusal).toBeInstanceOf(ClientKeyError);
      expect(refusal).toMatchObject({ code: "unsupported_key", message: expect.stringMatching(/security key.*ssh-agent.*ssh-keygen -Y sign/) });
      const cli = await runCli(["request", `${t.url}/whoami`, "--scheme", "sshsig", "--user", "agent-user", "--key", keys.path("agent_sk")]);
      expect(cli.code).toBe(1);
      expect(cli.stderr).toMatch(/security key.*--agent/);
    });

    it("the library signs no other scheme with the agent's security key", async () => {
      const signer = await agentSigner({ socketPath: agent.socketPath, fingerprint: skFingerprint });
      try {
        for (const scheme of ["jwt", "sshauth", "crtauth"] as const) {
          await expect(authorizationFor({ scheme, signer, username: "agent-user" }, { url: new URL(`${t.url}/whoami`), method: "GET" })).rejects.toThrow(
            /only sshsig can/,
          );
        }
      } finally {
        signer.close();
      }
    });
  });
});
