// SSHSIG signs the body's SHA-256: the strategy reads the raw body itself when no parser ran,
// takes the bytes a parser kept (express.raw(), express.text(), a `verify` hook's req.rawBody),
// refuses a body a parser turned into an object (400 body_unavailable) and one over
// `maxBodyBytes` (413 body_too_large). Real Express, real ssh-keygen signatures.
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import express from "express";
import passport from "passport";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sshkeyErrorHandler } from "../../../strategy/http/error-handler.js";
import { SshKeyStrategy } from "../../../strategy/strategy.js";
import { createMemoryStore } from "../../../strategy/store/index.js";
import { KeyDir } from "../../support/ssh-keygen.js";
import { signedSshsig } from "../../support/sshsig.js";

const maxBodyBytes = 64;

describe("SSHSIG request bodies", () => {
  const keys = new KeyDir();
  const store = createMemoryStore();
  let server: Server;
  let base: string;
  let host: string;

  beforeAll(async () => {
    await store.directory.addUser("alice");
    await store.directory.addKey("alice", keys.sshKeygen("ed", "ed25519"));
    const strategy = new SshKeyStrategy({ store, schemes: ["sshsig"], sshsig: { maxBodyBytes } });
    const authenticator = new passport.Passport();
    authenticator.use("sshkey", strategy);
    const auth = authenticator.authenticate("sshkey", { session: false, failWithError: true });
    const ok = (req: express.Request, res: express.Response) => {
      const body: unknown = req.body;
      res.json({ username: (req.user as { username: string }).username, body: Buffer.isBuffer(body) ? body.toString() : body });
    };
    const keepRaw = (req: express.Request, _res: unknown, buf: Buffer) => void ((req as express.Request & { rawBody?: Buffer }).rawBody = buf);
    const app = express();
    app.post("/none", auth, ok);
    app.post("/late-parser", auth, express.json(), ok);
    app.post("/raw", express.raw({ type: "*/*" }), auth, ok);
    app.post("/text", express.text({ type: "*/*" }), auth, ok);
    app.post("/json", express.json(), auth, ok);
    app.post("/json-kept", express.json({ verify: keepRaw }), auth, ok);
    app.get("/json-get", express.json(), auth, ok);
    app.use(sshkeyErrorHandler({ log: () => {} }));
    server = await new Promise((resolve) => {
      const s = app.listen(0, "127.0.0.1", () => resolve(s));
    });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    host = new URL(base).host;
  }, 30_000);
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await store.close();
    keys.cleanup();
  });

  const send = async (target: string, body: string, signedBody = body, method = "POST") => {
    const authorization = signedSshsig(keys.path("ed"), { username: "alice", time: Math.floor(Date.now() / 1000), host, method, target, body: signedBody });
    const r = await fetch(`${base}${target}`, {
      method,
      headers: { authorization, "content-type": "application/json" },
      ...(method === "GET" ? {} : { body }),
    });
    return { status: r.status, body: (await r.json()) as { username?: string; body?: unknown; error?: { code: string; message: string } } };
  };
  const json = '{"amount": 10}';

  it.each([
    ["no parser: the strategy reads the body itself", "/none", json],
    ["no parser before authentication, one after: it skips the body already read", "/late-parser", json],
    ["express.raw(): the exact bytes", "/raw", json],
    ["express.text(): the UTF-8 text", "/text", '{"name": "zoë"}'],
    ["express.json() with a verify hook keeping req.rawBody", "/json-kept", json],
  ])("accepts %s, and refuses a tampered body there", async (_name, target, body) => {
    const r = await send(target, body);
    expect([r.status, r.body.username]).toEqual([200, "alice"]);
    const tampered = await send(target, body.replace("1", "9").replace("ë", "e"), body);
    expect([tampered.status, tampered.body.error?.code]).toEqual([401, "invalid_credentials"]);
  });

  it("accepts a GET through express.json(): no body on the wire is the empty body", async () => {
    const r = await send("/json-get", "", "", "GET");
    expect([r.status, r.body.username]).toEqual([200, "alice"]);
  });

  it("refuses a body express.json() already turned into an object: 400 body_unavailable, saying what to change", async () => {
    const r = await send("/json", json);
    expect([r.status, r.body.error?.code]).toEqual([400, "body_unavailable"]);
    expect(r.body.error?.message).toContain("mount the strategy before the body parser");
    expect(r.body.error?.message).toContain("req.rawBody");
    expect(r.body.error?.message).toContain("express.raw()");
  });

  it("refuses a body over maxBodyBytes with 413 body_too_large, and takes one of exactly maxBodyBytes", async () => {
    const big = await send("/none", "x".repeat(maxBodyBytes + 1));
    expect([big.status, big.body.error?.code]).toEqual([413, "body_too_large"]);
    expect(big.body.error?.message).toContain(`${maxBodyBytes} bytes`);
    const exact = await send("/none", "x".repeat(maxBodyBytes));
    expect([exact.status, exact.body.username]).toEqual([200, "alice"]);
  });
});
