// SSHSIG over HTTP through the demo app on the memory store, signed by the real `ssh-keygen -Y sign`.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type MemoryTestServer } from "../../support/server.js";
import { KeyDir } from "../../support/ssh-keygen.js";
import { sshsigAuthorization as sign } from "../../support/sshsig-sign.js";

interface Reply {
  error: { code: string; message: string };
  username?: string;
  scheme?: string;
}

const nonce = () => randomBytes(12).toString("hex");

describe("SSHSIG over HTTP (ssh-keygen -Y sign)", () => {
  let t: MemoryTestServer;
  let host: string;
  const keys = new KeyDir();
  const kinds = [
    ["ed25519", ["-t", "ed25519"]],
    ["ecdsa256", ["-t", "ecdsa", "-b", "256"]],
    ["rsa", ["-t", "rsa", "-b", "2048"]],
  ] as const;

  beforeAll(async () => {
    t = await startTestServer("memory", { exposeErrorCodes: true });
    host = new URL(t.url).host;
    await t.store.directory.addUser("alice");
    await t.store.directory.addUser("bob");
    for (const [name, args] of kinds) {
      const pub = keys.sshKeygen(name, args[1], args.slice(2) as string[]);
      await t.store.directory.addKey("alice", pub);
    }
    await t.store.directory.addKey("bob", keys.sshKeygen("bobkey", "ed25519"));
  }, 60_000);
  afterAll(async () => {
    await t.close();
    keys.cleanup();
  });

  const now = () => Math.floor(t.clock.now / 1000);
  const get = async (authorization: string, init: RequestInit = {}) => {
    const r = await fetch(`${t.url}/whoami`, { ...init, headers: { authorization, ...(init.headers as Record<string, string>) } });
    return { status: r.status, body: (await r.json()) as Reply };
  };

  for (const [name] of kinds) {
    it(`accepts a ${name} key`, async () => {
      const r = await get(sign(keys, name, host, { username: "alice", time: now(), nonce: nonce() }));
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({ username: "alice", scheme: "sshsig" });
    });
  }

  it("refuses a replay of the same header", async () => {
    const header = sign(keys, "ed25519", host, { username: "alice", time: now(), nonce: nonce() });
    expect((await get(header)).status).toBe(200);
    const again = await get(header);
    expect(again.status).toBe(401);
    expect(again.body.error.code).toBe("replayed");
  });

  it("refuses another namespace", async () => {
    const r = await get(sign(keys, "ed25519", host, { username: "alice", time: now(), nonce: nonce(), namespace: "file" }));
    expect(r.status).toBe(401);
    expect(r.body.error.code).toBe("namespace_mismatch");
  });

  it("refuses a time outside the window, naming the server time and the skew", async () => {
    const r = await get(sign(keys, "ed25519", host, { username: "alice", time: now() - 120, nonce: nonce() }));
    expect(r.status).toBe(401);
    expect(r.body.error.code).toBe("clock_skew");
    expect(r.body.error.message).toContain(String(now()));
    expect(r.body.error.message).toContain("120 seconds");
  });

  it("refuses a key of another user", async () => {
    const r = await get(sign(keys, "bobkey", host, { username: "alice", time: now(), nonce: nonce() }));
    expect(r.status).toBe(401);
    expect(r.body.error.code).toBe("unknown_key");
  });

  it("refuses a signature over another path", async () => {
    const r = await get(sign(keys, "ed25519", host, { username: "alice", time: now(), nonce: nonce(), path: "/other" }));
    expect(r.status).toBe(401);
    expect(r.body.error.code).toBe("bad_signature");
  });

  it("verifies a POST body and refuses a tampered one", async () => {
    const body = '{"x":1}';
    const header = sign(keys, "ecdsa256", host, { username: "alice", time: now(), nonce: nonce(), method: "POST", body });
    const ok = await get(header, { method: "POST", body, headers: { "content-type": "application/json" } });
    expect(ok.status).toBe(200);
    const header2 = sign(keys, "ecdsa256", host, { username: "alice", time: now(), nonce: nonce(), method: "POST", body });
    const bad = await get(header2, { method: "POST", body: '{"x":2}', headers: { "content-type": "application/json" } });
    expect(bad.status).toBe(401);
    expect(bad.body.error.code).toBe("bad_signature");
  });

  // Asynchronous: the server runs in this process, so a synchronous curl would wait for it forever.
  it("runs the spec's shell client verbatim", async () => {
    const script = [
      `KEY=${keys.path("ed25519")} URL=${t.url}/whoami USER=alice`,
      "t=$(date +%s); n=$(openssl rand -hex 12)",
      `msg=$(printf 'SSHSIG-HTTP-1\\n%s\\n%s\\n%s\\nGET\\n${host}\\n/whoami\\n%s' "$USER" "$t" "$n" \\`,
      `      "$(printf '' | openssl dgst -sha256 -binary | base64)")`,
      `sig=$(printf %s "$msg" | ssh-keygen -Y sign -n http@passport-sshkey -f "$KEY" 2>/dev/null | sed '1d;$d' | tr -d '\\n')`,
      `curl -H "Authorization: SSHSIG username=\\"$USER\\", time=\\"$t\\", nonce=\\"$n\\", signature=\\"$sig\\"" "$URL"`,
    ].join("\n");
    t.clock.now = Date.now();
    const { stdout: out } = await promisify(execFile)("bash", ["-c", script], { encoding: "utf8" });
    expect(JSON.parse(out)).toMatchObject({ username: "alice", scheme: "sshsig" });
  });
});
