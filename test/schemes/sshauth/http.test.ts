// sshauth over HTTP through SshKeyStrategy and the demo app: golden vectors, upstream edge
// cases, request binding, key states and hostile Authorization headers.
import http from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import passport from "passport";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authorizationFor, sshkeyFetch } from "../../../strategy/client/index.js";
import { sshkeyErrorHandler } from "../../../strategy/http/error-handler.js";
import { signSshauthToken } from "../../../strategy/schemes/sshauth/sign.js";
import { decodeSshauthToken, encodeSshauthToken, tokenParts } from "../../../strategy/schemes/sshauth/token-codec.js";
import { loadKeyFileSigner } from "../../../strategy/client/index.js";
import path from "node:path";
import { getJson, startTestServer, type MemoryTestServer } from "../../support/server.js";
import { EDGE_CASES, FIXTURES, fixtureText, generatedSigner, VECTORS } from "./fixtures.js";
import { concealedCodes, lastEventCode, publicCode } from "../../support/events.js";

const T = 1_700_000_000;

/** The public code, and for `invalid_credentials` the precise one the event log kept: "invalid_credentials/bad_signature". */
async function seen(store: MemoryTestServer["store"], code: string): Promise<string> {
  return code === "invalid_credentials" ? `${code}/${await lastEventCode(store)}` : code;
}

/** A request with any method, Host and body (fetch forbids a Host header and GET bodies). */
function rawRequest(
  base: string,
  options: { method?: string; path?: string; headers?: Record<string, string>; body?: string },
): Promise<{ status: number; body: any; headers: http.IncomingHttpHeaders }> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const headers = { ...options.headers };
    if (options.body !== undefined) headers["content-length"] = String(Buffer.byteLength(options.body));
    const req = http.request({ host: url.hostname, port: url.port, method: options.method ?? "GET", path: options.path ?? "/whoami", headers }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (d) => (text += d));
      res.on("end", () => {
        let body: any = text;
        try {
          body = JSON.parse(text);
        } catch {
          /* not JSON */
        }
        resolve({ status: res.statusCode ?? 0, body, headers: res.headers });
      });
    });
    req.on("error", reject);
    req.end(options.body);
  });
}

const user = (v: (typeof VECTORS)[number]) => v.identity ?? "carol";

describe.each(["memory"] as const)("sshauth golden vectors over HTTP on %s", (kind) => {
  for (const v of VECTORS) {
    describe(v.id, () => {
      let t: MemoryTestServer;
      beforeAll(async () => {
        // The vector's own magic and action list, supplied per request by the `actions` option.
        t = await startTestServer(kind, {
          startAt: T * 1000,
          sshauth: { magic: v.magic_prefix, actions: () => v.actions, replayProtection: false },
        });
        await t.store.directory.addUser(user(v));
        await t.store.directory.addKey(user(v), fixtureText(v.public_key));
      });
      afterAll(() => t.close());

      for (const now of v.accept_at) {
        it(`is accepted at ${now - v.time} s, as Bearer and as SSHAuth`, async () => {
          t.clock.now = now * 1000;
          for (const word of ["Bearer", "SSHAuth", "sshauth"]) {
            const r = await getJson(`${t.url}/whoami`, { authorization: `${word} ${v.token}` });
            expect(r.status).toBe(200);
            expect(r.body).toEqual({ username: user(v), scheme: "sshauth", fingerprint: v.fingerprint });
          }
        });
      }
      for (const now of v.reject_at) {
        it(`is refused at ${now - v.time} s with clock_skew`, async () => {
          t.clock.now = now * 1000;
          const r = await getJson(`${t.url}/whoami`, { authorization: `Bearer ${v.token}` });
          expect(r.status).toBe(401);
          expect(r.body.error.code).toBe("clock_skew");
          expect(r.headers.get("www-authenticate")).toMatch(/^Bearer realm="passport-sshkey", error="invalid_token"/);
        });
      }
    });
  }

  describe("against the default configuration", () => {
    let t: MemoryTestServer;
    beforeAll(async () => {
      t = await startTestServer(kind, { startAt: T * 1000 });
      await t.store.directory.addUser("alice");
      await t.store.directory.addUser("bob");
      await t.store.directory.addKey("alice", fixtureText("keys/sshauth/ed25519.pub"));
      await t.store.directory.addKey("bob", fixtureText("keys/sshauth/ecdsa256.pub"));
    });
    afterAll(() => t.close());

    const code = async (token: string) => {
      const r = await getJson(`${t.url}/whoami`, { authorization: `Bearer ${token}` });
      return [r.status, r.body?.error ? await seen(t.store, r.body.error.code) : r.body?.username] as const;
    };

    it("refuses a vector signed with another magic or with actions the server does not expect", async () => {
      for (const v of VECTORS.filter((x) => x.magic_prefix !== "byo.e.m." || x.actions.length > 0)) {
        // alice_01 (the custom-magic vector) has no keys here: nothing to try.
        expect([v.id, ...(await code(v.token))]).toEqual([
          v.id,
          401,
          v.identity === "alice_01" ? "invalid_credentials/unknown_key" : "invalid_credentials/bad_signature",
        ]);
      }
    });

    it("upstream edge cases: identity, alphabet and fingerprint-mismatch refusals; padding and trailing bytes are the same use", async () => {
      const expected: Record<string, readonly [number, string]> = {
        // The fingerprint names bob's ECDSA key, the signature is Ed25519: a hint is only a
        // lookup, so no key of the token's algorithm is found (upstream, given the Ed25519
        // key directly, reports "fingerprint mismatch").
        "neg-fingerprint-mismatch": [401, "invalid_credentials/unknown_key"],
        "neg-identity-'a'": [400, "malformed_token"],
        "neg-identity-'../etc'": [400, "malformed_token"],
        "neg-identity-'has space'": [400, "malformed_token"],
        "neg-standard-base64-alphabet": [400, "malformed_token"],
        "pos-padded-base64-is-tolerated": [200, "alice"],
        // Same key and same signed message as the padded form: one use only.
        "pos-trailing-garbage-ignored-by-postcard": [401, "replayed"],
      };
      for (const e of EDGE_CASES) {
        t.clock.now = e.now * 1000;
        expect([e.id, ...(await code(e.token))]).toEqual([e.id, ...expected[e.id]!]);
      }
      const fpOnly = VECTORS.find((v) => v.id === "sshauth-ed25519-fp-only")!;
      expect(await code(fpOnly.token)).toEqual([401, "replayed"]);
      const r = await getJson(`${t.url}/whoami`, { authorization: `SSHAuth ${fpOnly.token}` });
      expect([r.status, r.body.error.code]).toEqual([401, "replayed"]);
    });

    it("accepts the plain ECDSA identity-only vector once, then refuses the replay", async () => {
      t.clock.now = T * 1000;
      const v = VECTORS.find((x) => x.id === "sshauth-ecdsa256-id-only")!;
      expect(await code(v.token)).toEqual([200, "bob"]);
      expect(await code(v.token)).toEqual([401, "replayed"]);
    });
  });
});

describe.each(["memory"] as const)("sshauth keys and request binding on %s", (kind) => {
  let t: MemoryTestServer;
  const ed = generatedSigner("ed25519");
  const p256 = generatedSigner("p256");
  const revoked = generatedSigner("ed25519");
  const expired = generatedSigner("p256");
  const rsa = generatedSigner("rsa");
  const now = () => t.clock.now;
  beforeAll(async () => {
    t = await startTestServer(kind, { startAt: T * 1000, sshauth: { bindRequests: true, magic: "myapp-v1" } });
    for (const name of ["alice", "dora", "erin", "rita"]) await t.store.directory.addUser(name);
    await t.store.directory.addKey("alice", ed.publicKey.openssh);
    await t.store.directory.addKey("alice", p256.publicKey.openssh);
    await t.store.directory.addKey("alice", revoked.publicKey.openssh);
    await t.store.directory.revokeKey(revoked.publicKey.fingerprintSha256);
    await t.store.directory.addKey("alice", expired.publicKey.openssh, { expiresAt: new Date((T - 10) * 1000) });
    await t.store.directory.addKey("dora", generatedSigner("ed25519").publicKey.openssh);
    await t.store.directory.setUserFlags("dora", { disabled: true });
    await t.store.directory.addKey("rita", rsa.publicKey.openssh);
  });
  afterAll(() => t.close());

  const bound = (signer = ed, request: { path?: string; method?: string; body?: string; host?: string } = {}, extra = {}) =>
    authorizationFor(
      { scheme: "sshauth", signer, username: "alice", now, sshauth: { bind: true, magic: "myapp-v1", ...extra } },
      {
        url: new URL(request.path ?? "/whoami", request.host ? `http://${request.host}` : t.url),
        method: request.method ?? "GET",
        body: request.body,
      },
    );

  it("a bound token (Ed25519 and ECDSA P-256, with or without the fingerprint) is accepted once; its replay is refused", async () => {
    for (const [signer, includeFingerprint] of [
      [ed, true],
      [p256, true],
      [ed, false],
    ] as const) {
      const authorization = await bound(signer, {}, { includeFingerprint });
      const first = await getJson(`${t.url}/whoami`, { authorization });
      expect(first.status).toBe(200);
      expect(first.body).toEqual({ username: "alice", scheme: "sshauth", fingerprint: signer.publicKey.fingerprintSha256 });
      const again = await getJson(`${t.url}/whoami`, { authorization });
      expect([again.status, again.body.error.code]).toEqual([401, "replayed"]);
      t.clock.now += 1000; // the next token of the same request is a new message
    }
  });

  it("sshkeyFetch binds when asked", async () => {
    const r = await sshkeyFetch(
      `${t.url}/whoami?via=fetch`,
      {},
      { scheme: "sshauth", signer: p256, username: "alice", now, sshauth: { bind: true, magic: "myapp-v1" } },
    );
    expect(r.status).toBe(200);
    expect(await r.json()).toMatchObject({ scheme: "sshauth", username: "alice" });
  });

  it("a token bound to GET /whoami is refused for another method, path, query, host or body", async () => {
    const port = new URL(t.url).port;
    const cases: [string, () => Promise<string>, Parameters<typeof rawRequest>[1]][] = [
      ["another method", () => bound(ed, { method: "POST" }), {}],
      ["another path", () => bound(ed), { path: "/whoami/" }],
      ["another query", () => bound(ed), { path: "/whoami?admin=1" }],
      ["another host", () => bound(ed), { headers: { host: `localhost:${port}` } }],
      ["another body", () => bound(ed), { body: "{}" }],
      ["a body that was not sent", () => bound(ed, { body: "x" }), {}],
    ];
    for (const [name, make, request] of cases) {
      t.clock.now += 1000;
      const authorization = await make();
      const r = await rawRequest(t.url, { ...request, headers: { ...request.headers, authorization } });
      expect([name, r.status, await seen(t.store, r.body.error.code)]).toEqual([name, 401, "invalid_credentials/bad_signature"]);
    }
    // HEAD is served by the GET route: refused too (no body to read, so by the challenge).
    const head = await rawRequest(t.url, { method: "HEAD", headers: { authorization: await bound(ed) } });
    expect(head.status).toBe(401);
    expect(head.headers["www-authenticate"]).toContain('error_description="the credentials were not accepted"');
  });

  it("the strategy reads an unparsed body itself, and the host and body of the binding are the ones sent", async () => {
    const port = new URL(t.url).port;
    const authorization = await bound(ed, { body: "hello", host: `LocalHost:${port}` });
    const r = await rawRequest(t.url, { body: "hello", headers: { authorization, host: `localhost:${port}` } });
    expect([r.status, r.body.username]).toEqual([200, "alice"]);
  });

  it("binding on refuses a plain (unbound) token", async () => {
    t.clock.now += 1000;
    const token = await signSshauthToken({ signer: ed, identity: "alice", magic: "myapp-v1", timestamp: Math.floor(now() / 1000) });
    const r = await getJson(`${t.url}/whoami`, { authorization: `Bearer ${token}` });
    // Verified without the binding by alice's key: the refusal says what is missing.
    expect([r.status, r.body.error.code]).toEqual([401, "binding_required"]);
    // Bound, but with the default magic instead of the server's "myapp-v1".
    const otherMagic = await authorizationFor(
      { scheme: "sshauth", signer: ed, username: "alice", now, sshauth: { bind: true } },
      { url: new URL("/whoami", t.url), method: "GET" },
    );
    const m = await getJson(`${t.url}/whoami`, { authorization: otherMagic });
    expect([m.status, await seen(t.store, m.body.error.code)]).toEqual([401, "invalid_credentials/bad_signature"]);
  });

  it("names the key state: revoked, expired, disabled; RSA keys are never candidates", async () => {
    const refusal = async (signer: typeof ed, username: string, includeFingerprint: boolean) => {
      t.clock.now += 1000;
      const authorization = await authorizationFor(
        { scheme: "sshauth", signer, username, now, sshauth: { bind: true, magic: "myapp-v1", includeFingerprint } },
        { url: new URL("/whoami", t.url), method: "GET" },
      );
      const r = await getJson(`${t.url}/whoami`, { authorization });
      return [r.status, await seen(t.store, r.body.error.code)];
    };
    for (const includeFingerprint of [true, false]) {
      expect(await refusal(revoked, "alice", includeFingerprint)).toEqual([401, "key_revoked"]);
      expect(await refusal(expired, "alice", includeFingerprint)).toEqual([401, "key_expired"]);
    }
    const doraSigner = generatedSigner("ed25519");
    await t.store.directory.addKey("dora", doraSigner.publicKey.openssh);
    expect(await refusal(doraSigner, "dora", false)).toEqual([401, "user_disabled"]);
    // An unregistered key claiming alice: her keys are tried, none verifies.
    expect(await refusal(generatedSigner("ed25519"), "alice", false)).toEqual([401, "invalid_credentials/bad_signature"]);
    expect(await refusal(generatedSigner("ed25519"), "nobody", false)).toEqual([401, "invalid_credentials/unknown_key"]);
    // A fingerprint of alice's key but the identity of another user: the hint is not trusted.
    expect(await refusal(ed, "erin", true)).toEqual([401, "invalid_credentials/unknown_key"]);
    // rita has only an RSA key: sshauth cannot sign with it, and the server never tries it.
    await expect(refusal(rsa, "rita", false)).rejects.toThrow(/ssh-ed25519 and ecdsa-sha2-nistp256/);
    const forged = await signSshauthToken({ signer: ed, identity: "rita", magic: "myapp-v1", timestamp: Math.floor(now() / 1000) });
    const r = await getJson(`${t.url}/whoami`, { authorization: `Bearer ${forged}` });
    expect([r.status, await seen(t.store, r.body.error.code)]).toEqual([401, "invalid_credentials/unknown_key"]);
  });

  describe("per route (sshauthBinding) and with body parsers", () => {
    let base: string;
    let server: http.Server;
    beforeAll(async () => {
      const authenticator = new passport.Passport();
      authenticator.use("sshkey", t.strategy);
      const app = express();
      app.use(authenticator.initialize());
      const auth = (sshauthBinding: boolean) =>
        authenticator.authenticate("sshkey", { session: false, failWithError: true, sshauthBinding } as passport.AuthenticateOptions);
      const ok = (req: express.Request, res: express.Response) =>
        res.json({ username: (req.user as { username: string }).username, body: Buffer.isBuffer(req.body) ? req.body.toString() : req.body });
      app.get("/unbound", auth(false), ok);
      app.post("/raw", express.raw({ type: "*/*" }), auth(true), ok);
      app.post("/json", express.json(), auth(true), ok);
      app.post("/late-parser", auth(true), express.json(), ok);
      app.use(sshkeyErrorHandler());
      server = await new Promise((resolve) => {
        const s = app.listen(0, "127.0.0.1", () => resolve(s));
      });
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    const post = async (path: string, body: string, contentType = "application/json") => {
      t.clock.now += 1000;
      const authorization = await authorizationFor(
        { scheme: "sshauth", signer: ed, username: "alice", now, sshauth: { bind: true, magic: "myapp-v1" } },
        { url: new URL(path, base), method: "POST", body },
      );
      return rawRequest(base, { method: "POST", path, body, headers: { authorization, "content-type": contentType } });
    };

    it("sshauthBinding: false accepts a plain token on a strategy that binds by default", async () => {
      t.clock.now += 1000;
      const token = await signSshauthToken({ signer: ed, identity: "alice", magic: "myapp-v1", timestamp: Math.floor(now() / 1000) });
      const r = await getJson(`${base}/unbound`, { authorization: `SSHAuth ${token}` });
      expect([r.status, r.body.username]).toEqual([200, "alice"]);
    });

    it("express.raw(): the exact bytes bind", async () => {
      const r = await post("/raw", '{"a": 1}');
      expect([r.status, r.body]).toEqual([200, { username: "alice", body: '{"a": 1}' }]);
    });

    it("express.json() ran first: refused clearly (binding_mismatch), never guessed", async () => {
      const r = await post("/json", '{"a": 1}');
      expect([r.status, r.body.error.code]).toEqual([401, "binding_mismatch"]);
      expect(r.body.error.message).toContain("express.raw()");
    });

    it("no parser before authentication: the strategy reads the body and a later parser skips it", async () => {
      const r = await post("/late-parser", '{"a": 1}');
      expect([r.status, r.body]).toEqual([200, { username: "alice", body: '{"a": 1}' }]);
    });
  });
});

describe.each(["memory"] as const)("hostile sshauth Authorization headers on %s", (kind) => {
  let t: MemoryTestServer;
  beforeAll(async () => {
    t = await startTestServer(kind, { startAt: T * 1000 });
    await t.store.directory.addUser("alice");
    await t.store.directory.addKey("alice", fixtureText("keys/sshauth/ed25519.pub"));
  });
  afterAll(() => t.close());

  it("refuses a BOM before the identity, as upstream does (it is not a valid identity): 400 malformed_token", async () => {
    // Signed for "alice", then re-encoded with U+FEFF in front of the name: a decoder that
    // drops the BOM would see "alice" and accept the signature.
    const signer = await loadKeyFileSigner(path.join(FIXTURES, "keys/sshauth/ed25519"));
    const honest = await signSshauthToken({ signer, identity: "alice", timestamp: T });
    signer.close();
    const parts = tokenParts(decodeSshauthToken(honest));
    const bom = encodeSshauthToken({ ...parts, signed: { ...parts.signed, identity: "\uFEFFalice" } });
    expect(Buffer.from(bom, "base64url").includes(Buffer.from([0xef, 0xbb, 0xbf, 0x61]))).toBe(true);
    const r = await getJson(`${t.url}/whoami`, { authorization: `Bearer ${bom}` });
    expect([r.status, r.body.error?.code]).toEqual([400, "malformed_token"]);
    expect((await getJson(`${t.url}/whoami`, { authorization: `Bearer ${honest}` })).status).toBe(200);
  });

  it("the client names the key by fingerprint when the username cannot be an identity (., @, +)", async () => {
    const signer = await loadKeyFileSigner(path.join(FIXTURES, "keys/sshauth/ecdsa256"));
    for (const [i, username] of ["bob.smith", "bob@example.com", "bob+ci"].entries()) {
      await t.store.directory.addUser(username);
      if (i === 0) await t.store.directory.addKey(username, fixtureText("keys/sshauth/ecdsa256.pub"));
    }
    t.clock.now = (T + 1) * 1000;
    const authorization = await authorizationFor(
      { scheme: "sshauth", signer, username: "bob.smith", now: () => t.clock.now },
      { url: new URL("/whoami", t.url), method: "GET" },
    );
    const r = await getJson(`${t.url}/whoami`, { authorization });
    expect([r.status, r.body.username]).toEqual([200, "bob.smith"]);
    // Without a fingerprint nothing would name the key: a clear error, before anything is sent.
    await expect(
      authorizationFor(
        { scheme: "sshauth", signer, username: "bob@example.com", sshauth: { includeFingerprint: false } },
        { url: new URL("/whoami", t.url), method: "GET" },
      ),
    ).rejects.toThrow(/cannot be an sshauth identity/);
    signer.close();
    t.clock.now = T * 1000;
  });

  const v = VECTORS.find((x) => x.id === "sshauth-ed25519-fp-only")!;
  const ecdsa = VECTORS.find((x) => x.id === "sshauth-ecdsa256-id-only")!;
  const flip = (token: string, at: number) => {
    const raw = Buffer.from(token, "base64url");
    raw[at]! ^= 0x01;
    return raw.toString("base64url");
  };
  const rows: [string, string, number, string][] = [
    ["Bearer with junk characters", "Bearer !!!", 400, "malformed_header"],
    ["Bearer with + and /", "Bearer AAAB+/AJx0", 400, "malformed_token"],
    ["Bearer with one character", "Bearer A", 400, "malformed_token"],
    ["Bearer with a too-short token", "Bearer AAAA", 400, "malformed_token"],
    ["SSHAuth with no credential", "SSHAuth", 400, "malformed_header"],
    ["SSHAuth with a space inside", "SSHAuth AAAA BBBB", 400, "malformed_header"],
    ["an unknown token version", "Bearer AQ", 401, "unsupported_version"],
    ["a token over 4096 characters", `Bearer ${"A".repeat(4097)}`, 413, "credentials_too_large"],
    ["a 15 kB header", `SSHAuth ${"A".repeat(15_000)}`, 413, "credentials_too_large"],
    ["a Bearer JWS (has dots)", "Bearer a.b.c", 401, "unsupported_scheme"],
    ["a flipped signature byte (Ed25519)", `Bearer ${flip(v.token, Buffer.from(v.token, "base64url").length - 5)}`, 401, "bad_signature"],
    ["a flipped timestamp byte", `Bearer ${flip(v.token, 36)}`, 401, "bad_signature"],
    ["an unknown identity", `Bearer ${ecdsa.token}`, 401, "unknown_key"],
    ["non-canonical trailing bits", `Bearer ${v.token.slice(0, -1)}N`, 400, "malformed_token"],
    ["padding after a full quad", `Bearer ${v.token}==`, 400, "malformed_token"],
  ];
  for (const vector of VECTORS) {
    for (const cut of [1, 2, 5, 30, Math.floor(vector.token.length / 2), vector.token.length - 3, vector.token.length - 1]) {
      rows.push([`${vector.id} truncated to ${cut}`, `Bearer ${vector.token.slice(0, cut)}`, 400, "malformed_token"]);
    }
  }

  for (const [name, header, status, code] of rows) {
    it(`${name} → ${status} ${publicCode(code)}${concealedCodes.has(code) ? ` (${code} in the event log)` : ""}`, async () => {
      const r = await getJson(`${t.url}/whoami`, { authorization: header });
      expect([r.status, await seen(t.store, r.body.error.code)]).toEqual([status, concealedCodes.has(code) ? `invalid_credentials/${code}` : code]);
      // passport sends the challenge with 401s only.
      if (status === 401) expect(r.headers.get("www-authenticate")).toContain('Bearer realm="passport-sshkey"');
    });
  }
});
