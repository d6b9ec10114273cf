// Hostile and malformed input through the Fastify plugin: every answer is a 4xx (or the 503 of a
// store that cannot answer), never a 500, and the exact-bytes rules hold for bodies Fastify parsed.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadKeyFileSigner, requestHeadersFor } from "../../strategy/client/index.js";
import type { Signer } from "../../strategy/client/signer.js";
import { createRequest } from "../../strategy/schemes/crtauth/client.js";
import { createMemoryStore, type SshKeyStore } from "../../strategy/store/index.js";
import { StoreUnavailableError } from "../../strategy/store/unavailable.js";
import { fixtureText } from "../support/forge-jwt.js";
import { startFastifyApp, type FastifyTestApp } from "./support.js";

const codeOf = async (r: Response) => ((await r.json()) as { error: { code: string } }).error.code;

describe("the Fastify plugin under hostile input", () => {
  let store: SshKeyStore;
  let t: FastifyTestApp;
  let ed: Signer;

  beforeAll(async () => {
    ed = await loadKeyFileSigner({ text: fixtureText("sshauth/ed25519") });
    store = createMemoryStore();
    await store.directory.addUser("alice");
    await store.directory.addKey("alice", fixtureText("sshauth/ed25519.pub"));
    t = await startFastifyApp({ store, crtauth: { secret: "hostile-secret" }, sshsig: { maxBodyBytes: 64 } }, { bodyLimit: 4096 }, (app) => {
      // A context whose JSON bodies Fastify parses into objects: their exact bytes are gone.
      void app.register(async (parsed) => {
        parsed.removeAllContentTypeParsers();
        parsed.addContentTypeParser("application/json", { parseAs: "string" }, (_request, body, done) => done(null, JSON.parse(String(body))));
        parsed.post("/parsed", { preHandler: parsed.sshKey.authenticate() }, async () => ({ ok: true }));
      });
    });
  });

  afterAll(async () => {
    await t.close();
    ed.close();
  });

  const sshsigPost = async (path: string, body: string, contentType = "text/plain") => {
    const url = new URL(path, t.url);
    const headers = await requestHeadersFor({ scheme: "sshsig", signer: ed, username: "alice" }, { url, method: "POST", body });
    return fetch(url, { method: "POST", headers: { ...headers, "content-type": contentType }, body });
  };

  it("answers garbage in every header the schemes read with 400/401, never 500", async () => {
    const garbage = ["JWT ....", "JWT " + "A".repeat(8000), "chap:" + "%".repeat(50), "Bearer \u00ff\u00fe", "SSHSIG username=", 'SSHSIG a="', "JWT\t\t", "x"];
    for (const authorization of garbage) {
      const r = await fetch(`${t.url}/whoami`, { headers: { authorization } });
      expect([400, 401], authorization.slice(0, 20)).toContain(r.status);
      expect(await codeOf(r)).toEqual(expect.any(String));
    }
    for (const headers of [{ "signature-input": "sig1=();keyid=1", signature: "sig1=:!!:" }, { signature: "sig1=:AAAA:" }]) {
      expect([400, 401]).toContain((await fetch(`${t.url}/whoami`, { headers })).status);
    }
    for (const chap of ["request:" + "A".repeat(4000), "response:%%%", "request:", ":", "token:abc"]) {
      const r = await fetch(`${t.url}/_auth`, { headers: { "x-chap": chap } });
      expect(r.status, chap.slice(0, 20)).toBe(403);
      expect(await r.text()).toBe("Failed to authenticate user");
    }
  });

  it("refuses a signed body over the scheme's cap with 413, and a body over Fastify's bodyLimit with 413", async () => {
    const small = await sshsigPost("/whoami", "a=1");
    expect(small.status).toBe(200);
    const large = await sshsigPost("/whoami", "a".repeat(100));
    expect(large.status).toBe(413);
    expect(await codeOf(large)).toBe("body_too_large");
    const huge = await fetch(`${t.url}/whoami`, { method: "POST", headers: { "content-type": "text/plain" }, body: "a".repeat(10_000) });
    expect(huge.status).toBe(413);
  });

  it("refuses to verify a body Fastify parsed (its bytes are gone) with 400 body_unavailable", async () => {
    const r = await sshsigPost("/parsed", '{"a":1}', "application/json");
    expect(r.status).toBe(400);
    expect(await codeOf(r)).toBe("body_unavailable");
  });

  it("answers 503 with Retry-After when the store cannot answer, on protected routes and at /_auth", async () => {
    const keys = { ...store.keys };
    const locked = () => Promise.reject(new StoreUnavailableError("database is locked", 2));
    Object.assign(store.keys, { findByUsername: locked, findByKid: locked, findByFingerprint: locked });
    try {
      const url = new URL("/whoami", t.url);
      const r = await fetch(url, { headers: await requestHeadersFor({ scheme: "jwt", signer: ed, username: "alice" }, { url, method: "GET" }) });
      expect([r.status, r.headers.get("retry-after")]).toEqual([503, "2"]);
      expect(await codeOf(r)).toBe("unavailable");
      const chap = await fetch(`${t.url}/_auth`, { headers: { "x-chap": `request:${createRequest("alice")}` } });
      expect([chap.status, chap.headers.get("retry-after")]).toEqual([503, "2"]);
    } finally {
      Object.assign(store.keys, keys);
    }
  });
});
