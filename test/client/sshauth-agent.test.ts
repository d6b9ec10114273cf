// sshauth tokens signed by a real ssh-agent (Ed25519 and ECDSA P-256), through the library
// client against the test server, and through the CLI against `passport-sshkey serve`.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { agentSigner, authorizationFor, loadKeyFileSigner, sshkeyFetch } from "../../strategy/client/index.js";
import { runCli, startServe } from "../support/cli.js";
import { createTestDatabase, databaseKinds, type TestDatabase } from "../support/databases.js";
import { getJson, startTestServer, type MemoryTestServer } from "../support/server.js";
import { keygenFingerprint, makeTmpDir, sshKeygen, startAgent, type RunningAgent } from "../support/ssh-keygen.js";
import { readText } from "./helpers.js";

const tmp = makeTmpDir("client-sshauth-");
let agent: RunningAgent;
const keys = { ed25519: "", ecdsa256: "" };
const fingerprints = { ed25519: "", ecdsa256: "" };

beforeAll(async () => {
  keys.ed25519 = sshKeygen(tmp.dir, "id_ed25519", "ed25519");
  keys.ecdsa256 = sshKeygen(tmp.dir, "id_ecdsa", "ecdsa256");
  for (const k of ["ed25519", "ecdsa256"] as const) fingerprints[k] = keygenFingerprint(`${keys[k]}.pub`);
  agent = await startAgent(tmp.dir);
  agent.add(keys.ed25519);
  agent.add(keys.ecdsa256);
});

afterAll(async () => {
  await agent?.stop();
  tmp.cleanup();
});

describe.each(["memory"] as const)("sshauth with ssh-agent keys on %s", (kind) => {
  let t: MemoryTestServer;
  beforeAll(async () => {
    t = await startTestServer(kind);
    await t.store.directory.addUser("alice");
    for (const k of ["ed25519", "ecdsa256"] as const) await t.store.directory.addKey("alice", readText(`${keys[k]}.pub`));
  });
  afterAll(() => t.close());

  for (const k of ["ed25519", "ecdsa256"] as const) {
    it(`${k}: agent-signed tokens authenticate as Bearer and as SSHAuth`, async () => {
      const signer = await agentSigner({ socketPath: agent.socketPath, fingerprint: fingerprints[k] });
      try {
        const url = new URL("/whoami", t.url);
        for (const [word, offset, includeFingerprint] of [
          ["Bearer", 0, true],
          ["SSHAuth", 1000, false],
        ] as const) {
          const header = await authorizationFor(
            { scheme: "sshauth", signer, username: "alice", now: () => t.clock.now + offset, sshauth: { includeFingerprint } },
            { url, method: "GET" },
          );
          expect(header).toMatch(/^Bearer [A-Za-z0-9_-]+$/);
          const r = await getJson(url.href, { authorization: header.replace(/^Bearer /, `${word} `) });
          expect(r.status).toBe(200);
          expect(r.body).toEqual({ username: "alice", scheme: "sshauth", fingerprint: fingerprints[k] });
        }
      } finally {
        signer.close();
      }
    });
  }

  it("sshkeyFetch with the agent; a key file signs the same way", async () => {
    const agentKey = await agentSigner({ socketPath: agent.socketPath, fingerprint: fingerprints.ecdsa256 });
    const fileKey = await loadKeyFileSigner(keys.ed25519);
    try {
      for (const [signer, offset] of [
        [agentKey, 2000],
        [fileKey, 3000],
      ] as const) {
        const r = await sshkeyFetch(`${t.url}/whoami`, {}, { scheme: "sshauth", signer, username: "alice", now: () => t.clock.now + offset });
        expect(r.status).toBe(200);
        expect(await r.json()).toMatchObject({ scheme: "sshauth", fingerprint: signer.publicKey.fingerprintSha256 });
      }
    } finally {
      agentKey.close();
      fileKey.close();
    }
  });
});

// On each database: the CLI and `serve` are separate processes that share only the database.
describe.each(databaseKinds)("passport-sshkey CLI with sshauth on %s", (kind) => {
  let db: TestDatabase;
  let env: Record<string, string>;
  beforeAll(async () => {
    db = await createTestDatabase(kind);
    env = { DATABASE_URL: db.url, SSH_AUTH_SOCK: agent.socketPath };
    expect((await runCli(["users", "add", "alice"], { env })).code).toBe(0);
    for (const k of ["ed25519", "ecdsa256"] as const) {
      expect((await runCli(["keys", "add", "alice", `${keys[k]}.pub`], { env })).code).toBe(0);
    }
  });
  afterAll(() => db.drop());

  it("request --scheme sshauth and token sshauth (agent and key file) against serve", async () => {
    const server = await startServe(env);
    try {
      const whoami = `${server.url}/whoami`;
      for (const k of ["ed25519", "ecdsa256"] as const) {
        const r = await runCli(["request", whoami, "--scheme", "sshauth", "--user", "alice", "--agent", "--fingerprint", fingerprints[k]], { env });
        expect(r.stderr).toBe(`signed with ${fingerprints[k]} (${k === "ed25519" ? "ssh-ed25519" : "ecdsa-sha2-nistp256"})\n`);
        expect(JSON.parse(r.stdout)).toEqual({ username: "alice", scheme: "sshauth", fingerprint: fingerprints[k] });
      }

      const token = await runCli(["token", "sshauth", "--user", "alice", "--key", keys.ed25519], { env });
      expect(token.code).toBe(0);
      expect(token.stdout).toMatch(/^Bearer [A-Za-z0-9_-]+\n$/);
      const header = token.stdout.trim();
      for (const authorization of [header, header.replace(/^Bearer /, "SSHAuth ")]) {
        const r = await getJson(whoami, { authorization });
        // The second is the same signed message under the other word: one use only.
        expect(r.status).toBe(authorization === header ? 200 : 401);
        if (r.status === 401) expect(r.body.error.code).toBe("replayed");
      }

      const viaAgent = await runCli(["token", "sshauth", "--user", "alice", "--agent", "--fingerprint", fingerprints.ecdsa256, "--identity-only"], { env });
      expect(viaAgent.code).toBe(0);
      expect((await getJson(whoami, { authorization: viaAgent.stdout.trim() })).body.fingerprint).toBe(fingerprints.ecdsa256);

      // serve does not bind requests: a bound token is refused, saying why.
      const bound = await runCli(["token", "sshauth", "--user", "alice", "--agent", "--bind", "--url", whoami], { env });
      expect(bound.code).toBe(0);
      const refused = await getJson(whoami, { authorization: bound.stdout.trim() });
      expect([refused.status, refused.body.error.code]).toEqual([401, "binding_not_enabled"]);
      // With a body, which the server reads only to name this mistake; another body is a plain bad signature.
      const boundPost = await runCli(["token", "sshauth", "--user", "alice", "--agent", "--bind", "--url", whoami, "-X", "POST", "-d", "one"], { env });
      for (const [body, code] of [
        ["two", "invalid_credentials"],
        ["one", "binding_not_enabled"],
      ] as const) {
        const r = await fetch(whoami, { method: "POST", body, headers: { authorization: boundPost.stdout.trim() } });
        expect([body, r.status, ((await r.json()) as { error: { code: string } }).error.code]).toEqual([body, 401, code]);
      }

      const misuse = await runCli(["token", "sshauth", "--user", "alice", "--agent", "--bind"], { env });
      expect([misuse.code, misuse.stderr]).toEqual([1, "passport-sshkey: --bind needs --url (and --method/--data when not a bodiless GET)\n"]);
      const badMagic = await runCli(["token", "sshauth", "--user", "alice", "--agent", "--magic", "short"], { env });
      expect(badMagic.code).toBe(1);
      expect(badMagic.stderr).toMatch(/magic prefix must be exactly 8 bytes/);
    } finally {
      await server.stop();
    }
  }, 180_000); // nine CLI processes, each starting tsx

  it("serve --bind-requests: bound POSTs to /whoami pass; unbound tokens and other bodies are refused", async () => {
    const server = await startServe(env, { args: ["--bind-requests"] });
    try {
      expect(server.banner).toContain("sshauth request binding on");
      const whoami = `${server.url}/whoami?via=cli`;
      const post = await runCli(["request", whoami, "--scheme", "sshauth", "--bind", "-X", "POST", "-d", '{"n":1}', "--user", "alice", "--agent"], { env });
      expect(post.code, post.stderr).toBe(0);
      expect(JSON.parse(post.stdout)).toEqual({ username: "alice", scheme: "sshauth", fingerprint: fingerprints.ed25519 });

      const token = await runCli(["token", "sshauth", "--user", "alice", "--agent", "--bind", "--url", whoami, "-X", "POST", "-d", "one"], { env });
      const send = (body: string, authorization: string) =>
        fetch(whoami, { method: "POST", body, headers: { authorization } }).then(async (r) => [
          r.status,
          ((await r.json()) as { error?: { code: string } }).error?.code,
        ]);
      expect(await send("two", token.stdout.trim())).toEqual([401, "invalid_credentials"]);
      expect(await send("one", token.stdout.trim())).toEqual([200, undefined]);

      const unbound = await runCli(["token", "sshauth", "--user", "alice", "--agent"], { env });
      expect(await getJson(whoami, { authorization: unbound.stdout.trim() }).then((r) => [r.status, r.body.error.code])).toEqual([401, "binding_required"]);
    } finally {
      await server.stop();
    }
  }, 120_000);
});
