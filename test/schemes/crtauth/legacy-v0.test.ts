// crtauth v0 (legacy XDR) handshakes at /_auth: refused by default, answered with
// `crtauth: { legacyV0: true }` — a bare-username request, a 'v' challenge, a v0 response —
// including a challenge made by upstream's Python code; the token is a v1 chap token.
// Also the client's server-name check, which ignores case as host names do.
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { crtauthLogin, loadKeyFileSigner } from "../../../strategy/client/index.js";
import { createResponse } from "../../../strategy/schemes/crtauth/client.js";
import { createCrtauthRouter } from "../../../strategy/schemes/crtauth/router.js";
import { fixtures } from "../../support/forge-jwt.js";
import { getJson, startTestServer, type MemoryTestServer } from "../../support/server.js";
import { vectors } from "./helpers.js";

const V0 = vectors.v0.challenge;
const keyFile = path.join(fixtures, "crtauth/upstream-rsa_test.pem");
const pub = fs.readFileSync(path.join(fixtures, "crtauth/upstream-rsa_test.pub"), "utf8");

function chap(url: string, value: string): Promise<{ status: number; chap: string; error: string | undefined }> {
  const target = new URL("/_auth", url);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: target.hostname, port: target.port, path: "/_auth", method: "HEAD", headers: { "X-CHAP": value } }, (res) => {
      res.resume();
      res.on("end", () =>
        resolve({ status: res.statusCode!, chap: String(res.headers["x-chap"] ?? ""), error: res.headers["x-sshkey-error"] as string | undefined }),
      );
    });
    req.on("error", reject);
    req.end();
  });
}

describe.each(["memory"] as const)("crtauth v0 on %s", (kind) => {
  let off: MemoryTestServer;
  let on: MemoryTestServer;
  let upstream: MemoryTestServer;
  beforeAll(async () => {
    off = await startTestServer(kind, { crtauth: { secret: "s3cret" } });
    on = await startTestServer(kind, { crtauth: { secret: "s3cret", legacyV0: true } });
    // The upstream challenge vector: its secret, server name and clock.
    upstream = await startTestServer(kind, {
      crtauth: { secret: V0.secret, serverName: V0.serverName, legacyV0: true },
      startAt: (Number(V0.validFrom) + 2) * 1000,
    });
    for (const t of [off, on]) {
      await t.store.directory.addUser("alice");
      await t.store.directory.addKey("alice", pub);
    }
    await upstream.store.directory.addUser(V0.username);
    await upstream.store.directory.addKey(V0.username, pub);
  });
  afterAll(async () => {
    for (const t of [off, on, upstream]) await t.close();
  });

  const handshakeV0 = async (t: MemoryTestServer) => {
    const challenge = await chap(t.url, "request:alice");
    if (challenge.status !== 200) return { challenge, token: null };
    const text = challenge.chap.slice("challenge:".length);
    const signer = await loadKeyFileSigner(keyFile);
    const response = await createResponse(text, signer, { expectedServerName: "127.0.0.1" });
    signer.close();
    return { challenge, response, token: await chap(t.url, `response:${response.text}`) };
  };

  it("is refused by default: a bare username is not a request", async () => {
    const { challenge } = await handshakeV0(off);
    expect([challenge.status, challenge.error]).toEqual([403, "malformed_token"]);
  });

  it("with legacyV0: a v0 handshake ends in a chap token the strategy accepts", async () => {
    const { challenge, response, token } = await handshakeV0(on);
    expect(challenge.status).toBe(200);
    expect(Buffer.from(challenge.chap.slice("challenge:".length), "base64url")[0]).toBe(0x76); // 'v': XDR
    expect(response!.version).toBe(0);
    expect(token!.status).toBe(200);
    const r = await getJson(`${on.url}/whoami`, { authorization: `chap:${token!.chap.slice("token:".length)}` });
    expect([r.status, r.body.username, r.body.scheme]).toEqual([200, "alice", "crtauth"]);
    // v1 is still spoken next to it.
    const signer = await loadKeyFileSigner(keyFile);
    expect(await crtauthLogin(on.url, { username: "alice", signer })).toMatch(/^[\w-]+$/);
    signer.close();
  });

  it("with legacyV0: redeems a v0 challenge made by upstream's Python code", async () => {
    const signer = await loadKeyFileSigner(keyFile);
    const response = await createResponse(V0.text, signer, { expectedServerName: V0.serverName });
    signer.close();
    const token = await chap(upstream.url, `response:${response.text}`);
    expect([token.status, token.error]).toEqual([200, undefined]);
    expect(token.chap).toMatch(/^token:[\w-]+$/);
  });

  it("without legacyV0: a v0 response is refused too", async () => {
    const signer = await loadKeyFileSigner(keyFile);
    const response = await createResponse(V0.text, signer, { expectedServerName: V0.serverName });
    signer.close();
    const r = await chap(off.url, `response:${response.text}`);
    expect(r.status).toBe(403);
  });

  it("refuses a legacyV0 that is not a boolean", () => {
    expect(() => createCrtauthRouter({ store: off.store, secret: "x", legacyV0: "yes" as never })).toThrow(/legacyV0/);
  });
});

describe.each(["memory"] as const)("crtauth server names with capitals on %s", (kind) => {
  let t: MemoryTestServer;
  beforeAll(async () => {
    t = await startTestServer(kind, { crtauth: { secret: "s3cret", serverName: "Sshkey.Example" } });
    await t.store.directory.addUser("alice");
    await t.store.directory.addKey("alice", pub);
  });
  afterAll(() => t.close());

  it("are the same host to the client: no MITM report, and the token works", async () => {
    const signer = await loadKeyFileSigner(keyFile);
    const token = await crtauthLogin(t.url, { username: "alice", signer, serverName: "sshkey.example" });
    await expect(crtauthLogin(t.url, { username: "alice", signer, serverName: "other.example" })).rejects.toMatchObject({ code: "wrong_server" });
    signer.close();
    expect((await getJson(`${t.url}/whoami`, { authorization: `chap:${token}` })).status).toBe(200);
  });
});
