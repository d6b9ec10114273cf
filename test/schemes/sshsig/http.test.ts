// SSHSIG over HTTP through the demo app on the memory store, signed by the real `ssh-keygen -Y sign`.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type MemoryTestServer } from "../../support/server.js";
import { KeyDir } from "../../support/ssh-keygen.js";
import { signedSshsig, sshsigNonce as nonce } from "../../support/sshsig.js";

interface Signed {
  username: string;
  time: number;
  nonce: string;
  method?: string;
  path?: string;
  body?: string;
  namespace?: string;
}

const sign = (keys: KeyDir, key: string, host: string, s: Signed): string => signedSshsig(keys.path(key), { ...s, host, target: s.path }, s.namespace);

interface Reply {
  error: { code: string; message: string };
  username?: string;
  scheme?: string;
}

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
    const serverTime = new Date(now() * 1000).toISOString().replace(".000Z", "Z");
    expect(r.body.error.message).toBe(`SSHSIG time is 120 s behind the server (server time ${serverTime}, allowed ±60 s)`);
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
});
