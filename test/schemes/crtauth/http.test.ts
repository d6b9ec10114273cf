// The crtauth HTTP binding end to end: /_auth handshake (createCrtauthRouter), chap: tokens
// (the crtauth scheme), the client (crtauthLogin, sshkeyFetch) through a real ssh-agent and
// a key file, on the memory store.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { agentSigner, crtauthLogin, crtauthTokens, loadKeyFileSigner, sshkeyFetch } from "../../../strategy/client/index.js";
import type { Signer } from "../../../strategy/client/signer.js";
import { parsePublicKey } from "../../../strategy/keys/index.js";
import { createRequest, createResponse } from "../../../strategy/schemes/crtauth/client.js";
import { hmac } from "../../../strategy/schemes/crtauth/mac.js";
import { appendMac, decodeChallenge, encodeTokenBody } from "../../../strategy/schemes/crtauth/messages.js";
import { createLegacyToken, createToken } from "../../../strategy/schemes/crtauth/token.js";
import { createDemoApp } from "../../../strategy/server/demo-app.js";
import { SshKeyStrategy } from "../../../strategy/strategy.js";
import { writeFixtureKeyFile, type FixtureKeyName } from "../../support/fixture-keys.js";
import { getJson, startTestServer, type MemoryTestServer } from "../../support/server.js";
import { makeTmpDir, startAgent, type RunningAgent } from "../../support/ssh-keygen.js";
import { concealedCodes, lastEvent, lastEventCode, publicCode, recordedEvents } from "../../support/events.js";

const SECRET = "crtauth-test-secret";

interface Raw {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A request with exactly these headers (fetch cannot set Host). */
function raw(url: string, options: { method?: string; headers?: Record<string, string>; path?: string } = {}): Promise<Raw> {
  const target = new URL(options.path ?? "/_auth", url);
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: target.hostname, port: target.port, path: target.pathname + target.search, method: options.method ?? "GET", headers: options.headers },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (d) => (body += d));
        res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body }));
      },
    );
    req.on("error", reject);
    req.end();
  });
}

// Each user's RSA key file, written from a fixture key: ssh-keygen takes up to a second per RSA key.
const fixtureFor = {
  alice_rsa: "rsa2048-a",
  rosie_rsa: "rsa2048-b",
  dinah_rsa: "rsa2048-c",
  dave_rsa: "rsa2048-d",
  erin_old: "rsa2048-e",
  erin_new: "rsa2048-f",
  fred_rsa: "rsa2048-g",
  gina_rsa: "rsa2048-h",
} as const satisfies Record<string, FixtureKeyName>;

function keygen(dir: string, name: keyof typeof fixtureFor): { key: string; pub: string } {
  return writeFixtureKeyFile(fixtureFor[name], path.join(dir, name), `${name}@test`);
}

async function listen(app: http.RequestListener): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** Challenge → signed response text, by hand (no token step). */
async function signedResponse(url: string, username: string, signer: Signer, headers: Record<string, string> = {}): Promise<string> {
  const r = await raw(url, { headers: { "X-CHAP": `request:${createRequest(username)}`, ...headers } });
  expect(r.status).toBe(200);
  const challenge = String(r.headers["x-chap"]).slice("challenge:".length);
  const serverName = decodeChallenge(Buffer.from(challenge, "base64url")).serverName;
  return (await createResponse(challenge, signer, { expectedServerName: serverName })).text;
}

describe.each(["memory"] as const)("crtauth over HTTP on %s", (kind) => {
  let t: MemoryTestServer;
  let tmp: { dir: string; cleanup: () => void };
  let agent: RunningAgent;
  let alice: { key: string; pub: string };
  let aliceFingerprint: string;
  const extra: { close(): Promise<void> }[] = [];
  const signers: Signer[] = [];
  const fileSigner = async (file: string) => {
    const s = await loadKeyFileSigner(file);
    signers.push(s);
    return s;
  };
  const whoami = (token: string) => getJson(`${t.url}/whoami`, { authorization: `chap:${token}` });
  const expectRefused = async (token: string, code: string) => {
    const r = await whoami(token);
    expect(r.status).toBe(401);
    expect(r.body.error.code).toBe(code);
  };
  /** Another instance of the demo app on the same store, with its own crtauth secrets. */
  const sibling = async (crtauth: { secret: string; previousSecret?: string }) => {
    const now = () => t.clock.now;
    const strategy = new SshKeyStrategy({ store: t.store, now, crtauth });
    const s = await listen(createDemoApp({ strategy, log: () => {}, crtauth: { ...crtauth, now } }));
    extra.push(s);
    return s.url;
  };

  beforeAll(async () => {
    tmp = makeTmpDir("pssk-crtauth-");
    alice = keygen(tmp.dir, "alice_rsa");
    aliceFingerprint = parsePublicKey(alice.pub).fingerprintSha256;
    agent = await startAgent(tmp.dir);
    agent.add(alice.key);
    t = await startTestServer(kind, { crtauth: { secret: SECRET } });
    await t.store.directory.addUser("alice");
    await t.store.directory.addKey("alice", alice.pub);
    await t.store.directory.addUser("bob"); // Ed25519 only: crtauth cannot serve him
    execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", path.join(tmp.dir, "bob")], { stdio: "ignore" });
    await t.store.directory.addKey("bob", readFileSync(path.join(tmp.dir, "bob.pub"), "utf8"));
  }, 60_000);

  afterEach(() => {
    crtauthTokens.clear();
  });

  afterAll(async () => {
    for (const s of signers) s.close();
    for (const s of extra) await s.close();
    await agent?.stop();
    await t?.close();
    tmp?.cleanup();
  });

  it("logs in through a real ssh-agent; /whoami answers scheme crtauth", async () => {
    const signer = await agentSigner({ socketPath: agent.socketPath });
    signers.push(signer);
    const token = await crtauthLogin(t.url, { username: "alice", signer });
    const r = await whoami(token);
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ username: "alice", scheme: "crtauth", fingerprint: aliceFingerprint });
    // A token is a bearer token: good for several requests until it expires.
    expect((await whoami(token)).status).toBe(200);
  });

  it("logs in with a key file; the handshake counts as key use and is the one event of the sign-in (issue 18)", async () => {
    const successes = () => recordedEvents(t.store).filter((e) => e.scheme === "crtauth" && e.outcome === "success").length;
    await t.store.events.flush();
    const before = successes();
    const token = await crtauthLogin(`${t.url}/some/path?q=1`, { username: "alice", signer: await fileSigner(alice.key) });
    expect((await whoami(token)).body.scheme).toBe("crtauth");
    await t.store.events.flush();
    const key = await t.store.directory.findKey(aliceFingerprint);
    expect(key.lastUsedScheme).toBe("crtauth");
    expect(key.useCount).toBeGreaterThanOrEqual(1);
    // The handshake proved the key; the token on /whoami stands for it and is not a second sign-in.
    expect(successes()).toBe(before + 1);
  });

  it("answers /_auth for GET, HEAD and POST, ignoring the query and a stale Authorization header", async () => {
    for (const method of ["GET", "HEAD", "POST"]) {
      const r = await raw(t.url, {
        method,
        path: "/_auth?x=1",
        headers: { "X-CHAP": `request:${createRequest("alice")}`, authorization: "chap:stale-token" },
      });
      expect(r.status).toBe(200);
      expect(r.body).toBe("");
      expect(r.headers["x-chap"]).toMatch(/^challenge:[A-Za-z0-9_-]+$/);
    }
    // Only exactly /_auth is the handshake: /_auth/ is an ordinary (unknown) route.
    expect((await raw(t.url, { path: "/_auth/", headers: { "X-CHAP": `request:${createRequest("alice")}` } })).status).toBe(404);
  });

  it("sshkeyFetch caches the token per origin, user and key, and redoes the handshake once on a 401", async () => {
    const signer = await fileSigner(alice.key);
    const options = { scheme: "crtauth" as const, signer, username: "alice" };
    const first = await sshkeyFetch(`${t.url}/whoami`, {}, options);
    expect(first.status).toBe(200);
    await t.store.events.flush();
    const count = async () => recordedEvents(t.store).filter((e) => e.scheme === "crtauth").length;
    const before = await count();
    expect((await sshkeyFetch(`${t.url}/whoami`, {}, options)).status).toBe(200);
    await t.store.events.flush();
    expect(await count()).toBe(before); // the cached token was reused: no handshake, and a token's success is no new sign-in

    // The server's clock moves past the token's lifetime: 401, a fresh handshake, 200.
    t.clock.now += 120_000;
    try {
      const again = await sshkeyFetch(`${t.url}/whoami`, {}, options);
      expect(again.status).toBe(200);
      expect(await again.json()).toMatchObject({ scheme: "crtauth", username: "alice" });
    } finally {
      t.clock.now -= 120_000;
    }
  });

  it("refuses a replayed response", async () => {
    const response = await signedResponse(t.url, "alice", await fileSigner(alice.key));
    const first = await raw(t.url, { headers: { "X-CHAP": `response:${response}` } });
    expect(first.status).toBe(200);
    expect(first.headers["x-chap"]).toMatch(/^token:/);
    const second = await raw(t.url, { headers: { "X-CHAP": `response:${response}` } });
    expect(second.status).toBe(403);
    expect(second.headers["x-sshkey-error"]).toBe("replayed");
  });

  it("gives unknown users a challenge shaped like a real one, and no token", async () => {
    // Same username length, so the byte layouts can be compared directly.
    const ask = (u: string) => raw(t.url, { headers: { "X-CHAP": `request:${createRequest(u)}` } });
    const [known, unknown, unknownAgain] = [await ask("alice"), await ask("nobod"), await ask("nobod")];
    expect(unknown.status).toBe(known.status);
    expect(Object.keys(unknown.headers).sort()).toEqual(Object.keys(known.headers).sort());
    const decode = (r: Raw) => decodeChallenge(Buffer.from(String(r.headers["x-chap"]).slice(10), "base64url"));
    const [k, u, u2] = [decode(known), decode(unknown), decode(unknownAgain)];
    expect(String(unknown.headers["x-chap"]).length).toBe(String(known.headers["x-chap"]).length);
    expect(u.fingerprint).toHaveLength(6);
    expect(u.fingerprint.equals(u2.fingerprint)).toBe(true); // stable, like a real key's
    expect(k.fingerprint.toString("hex")).toBe(parsePublicKey(alice.pub).crtauthFingerprint);
    expect(u.validTo - u.validFrom).toBe(k.validTo - k.validFrom);
    expect(u.serverName).toBe("127.0.0.1");
    // Signing the fake challenge gets nothing.
    const response = await signedResponse(t.url, "nobody", await fileSigner(alice.key));
    const r = await raw(t.url, { headers: { "X-CHAP": `response:${response}` } });
    expect([r.status, r.headers["x-sshkey-error"]]).toEqual([403, "invalid_credentials"]);
    expect(await lastEventCode(t.store)).toBe("unknown_key");
  });

  it("gives users without a usable RSA key (none, only Ed25519, only a revoked one, disabled) challenges like a real user's", async () => {
    const ask = async (u: string) => {
      const r = await raw(t.url, { headers: { "X-CHAP": `request:${createRequest(u)}` } });
      return {
        status: r.status,
        headers: Object.keys(r.headers).sort(),
        challenge: decodeChallenge(Buffer.from(String(r.headers["x-chap"]).slice(10), "base64url")),
      };
    };
    // Five-letter names throughout, so the challenges have the same length as alice's.
    await t.store.directory.addUser("rosie");
    const rosie = keygen(tmp.dir, "rosie_rsa");
    const revoked = await t.store.directory.addKey("rosie", rosie.pub);
    await t.store.directory.revokeKey(revoked.fingerprintSha256);
    await t.store.directory.addUser("dinah");
    const dinah = keygen(tmp.dir, "dinah_rsa");
    await t.store.directory.addKey("dinah", dinah.pub);
    await t.store.directory.setUserFlags("dinah", { disabled: true });
    await t.store.directory.addUser("edgar");
    execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", path.join(tmp.dir, "edgar")], { stdio: "ignore" });
    await t.store.directory.addKey("edgar", readFileSync(path.join(tmp.dir, "edgar.pub"), "utf8"));
    const real = await ask("alice");
    for (const [name, pub] of [
      ["ghost", null],
      ["edgar", null],
      ["rosie", rosie.pub],
      ["dinah", dinah.pub],
    ] as const) {
      const [first, again] = [await ask(name), await ask(name)];
      expect([name, first.status, first.headers]).toEqual([name, real.status, real.headers]);
      expect(first.challenge.fingerprint).toHaveLength(6);
      expect(first.challenge.fingerprint.equals(again.challenge.fingerprint)).toBe(true); // stable, like a real key's
      expect(first.challenge.validTo - first.challenge.validFrom).toBe(real.challenge.validTo - real.challenge.validFrom);
      // Not the unusable key's own fingerprint: knowing that public key does not tell the account holds it.
      if (pub) expect(first.challenge.fingerprint.toString("hex")).not.toBe(parsePublicKey(pub).crtauthFingerprint);
    }
  });

  it("binds challenges to the server name: the Host without port by default", async () => {
    const signer = await fileSigner(alice.key);
    const response = await signedResponse(t.url, "alice", signer, { host: "other.example:8080" });
    const r = await raw(t.url, { headers: { "X-CHAP": `response:${response}` } }); // Host: 127.0.0.1:<port>
    expect([r.status, r.headers["x-sshkey-error"]]).toEqual([403, "wrong_server"]);
    // The client refuses a challenge for another server (the MITM check).
    const pinned = await sibling({ secret: SECRET });
    await expect(crtauthLogin(pinned, { username: "alice", signer, serverName: "elsewhere" })).rejects.toMatchObject({ code: "wrong_server" });
  });

  describe("hostile /_auth input: 403 with upstream's body, the code in X-Sshkey-Error, never 500", () => {
    const request = (bytes: number[]) => `request:${Buffer.from(bytes).toString("base64url")}`;
    const alice5 = [...Buffer.from("alice")];
    const cases: [string, Record<string, string>, string, string][] = [
      ["no X-CHAP", {}, "missing_credentials", ""],
      ["garbage without a colon", { "X-CHAP": "garbage" }, "malformed_header", "Failed to authenticate user"],
      ["an unknown kind", { "X-CHAP": "token:AXGlYWxpY2U" }, "malformed_header", "Failed to authenticate user"],
      ["a kind in upper case", { "X-CHAP": "REQUEST:AXGlYWxpY2U" }, "malformed_header", "Failed to authenticate user"],
      ["an empty request", { "X-CHAP": "request:" }, "malformed_token", "Failed to authenticate user"],
      ["a non-base64 request", { "X-CHAP": "request:%%%%" }, "malformed_token", "Failed to authenticate user"],
      ["an oversized request", { "X-CHAP": `request:${"A".repeat(9000)}` }, "credentials_too_large", "Failed to authenticate user"],
      ["a truncated request", { "X-CHAP": request([1, 0x71, 0xa5, ...alice5.slice(0, 2)]) }, "malformed_token", "Failed to authenticate user"],
      ["a version-0 request in msgpack", { "X-CHAP": request([0, 0x71, 0xa5, ...alice5]) }, "unsupported_version", "Failed to authenticate user"],
      ["a bare (v0) username", { "X-CHAP": "request:alice" }, "malformed_token", "Failed to authenticate user"],
      ["a wrong magic", { "X-CHAP": request([1, 0x72, 0xa5, ...alice5]) }, "malformed_token", "Failed to authenticate user"],
      ["a 65-character username", { "X-CHAP": request([1, 0x71, 0xd9, 65, ...Buffer.from("a".repeat(65))]) }, "invalid_claim", "Failed to authenticate user"],
      ["a garbage response", { "X-CHAP": "response:AAAA" }, "unsupported_version", "Failed to authenticate user"],
      ["a non-base64 response", { "X-CHAP": "response:***" }, "malformed_token", "Failed to authenticate user"],
      ["an oversized response", { "X-CHAP": `response:${"A".repeat(9000)}` }, "credentials_too_large", "Failed to authenticate user"],
      ["a Host crtauth cannot name", { "X-CHAP": `request:${createRequest("alice")}`, host: "bad_host!" }, "malformed_header", "Failed to authenticate user"],
    ];
    for (const [name, headers, code, body] of cases) {
      it(`refuses ${name} (${code})`, async () => {
        const r = await raw(t.url, { headers });
        expect(r.status).toBe(403);
        expect(r.headers["x-sshkey-error"]).toBe(code);
        expect(r.body).toBe(body);
      });
    }

    it("refuses truncated, tampered and foreign responses", async () => {
      const signer = await fileSigner(alice.key);
      const good = await signedResponse(t.url, "alice", signer);
      const bytes = Buffer.from(good, "base64url");
      const flip = (i: number) => {
        const b = Buffer.from(bytes);
        b[i] = b[i]! ^ 1;
        return b.toString("base64url");
      };
      const foreign = await signedResponse(await sibling({ secret: "another-secret" }), "alice", signer);
      const cases: [string, string, string][] = [
        ["truncated", good.slice(0, good.length >> 1), "malformed_token"],
        ["tampered challenge", flip(20), "bad_signature"],
        ["tampered signature", flip(bytes.length - 5), "bad_signature"],
        ["made by a server with another secret", foreign, "bad_signature"],
        ["wrong version", Buffer.concat([Buffer.of(2), bytes.subarray(1)]).toString("base64url"), "unsupported_version"],
      ];
      for (const [name, text, code] of cases) {
        const r = await raw(t.url, { headers: { "X-CHAP": `response:${text}` } });
        expect([name, r.status, r.headers["x-sshkey-error"]]).toEqual([name, 403, publicCode(code)]);
        if (concealedCodes.has(code)) expect(await lastEventCode(t.store)).toBe(code);
      }
      const events = await (async () => {
        await t.store.events.flush();
        return recordedEvents(t.store).filter((e) => e.scheme === "crtauth" && e.outcome === "failure" && e.errorCode === "bad_signature");
      })();
      expect(events.length).toBeGreaterThanOrEqual(3);
    });
  });

  describe("chap: tokens on a protected route: always 401 with the code", () => {
    it("refuses malformed, tampered, foreign, expired and premature tokens", async () => {
      const now = () => t.clock.now;
      const good = await crtauthLogin(t.url, { username: "alice", signer: await fileSigner(alice.key) });
      const bytes = Buffer.from(good, "base64url");
      const tampered = Buffer.from(bytes);
      tampered[tampered.length - 1]! ^= 1;
      const renamed = Buffer.from(bytes);
      renamed[renamed.length - 35]! ^= 1; // last username byte
      const tooLong = (() => {
        const nowS = Math.floor(t.clock.now / 1000);
        const body = encodeTokenBody({ validFrom: nowS - 2, validTo: nowS + 700, username: "alice" });
        return appendMac(body, hmac("sha256", Buffer.from(SECRET), body)).toString("base64url");
      })();
      const cases: [string, string, string][] = [
        ["an empty token", "", "malformed_header"],
        ["a token with foreign characters", "abc!def", "malformed_header"],
        ["garbage", "AAAA", "unsupported_version"],
        ["a non-token message", createRequest("alice"), "malformed_token"],
        ["an oversized token", "A".repeat(9000), "credentials_too_large"],
        ["a truncated token", good.slice(0, 20), "malformed_token"],
        ["a tampered MAC", tampered.toString("base64url"), "bad_signature"],
        ["a tampered username", renamed.toString("base64url"), "bad_signature"],
        ["a token under another secret", createToken({ username: "alice", secret: "foreign", now }).text, "bad_signature"],
        ["an expired token", createToken({ username: "alice", secret: SECRET, now: () => t.clock.now - 120_000 }).text, "token_expired"],
        ["a token from the future", createToken({ username: "alice", secret: SECRET, now: () => t.clock.now + 60_000 }).text, "clock_skew"],
        ["a token valid for more than 600 s", tooLong, "invalid_claim"],
        ["a legacy (Python) token", createLegacyToken({ username: "alice", secret: SECRET, now }).text, "unsupported_version"],
        ["a token for an unknown user", createToken({ username: "nobody", secret: SECRET, now }).text, "unknown_key"],
        ["a token for a user without an RSA key", createToken({ username: "bob", secret: SECRET, now }).text, "unknown_key"],
      ];
      for (const [name, token, code] of cases) {
        const r = await whoami(token);
        expect([name, r.status, r.body.error?.code]).toEqual([name, 401, publicCode(code)]);
        if (concealedCodes.has(code)) expect([name, await lastEventCode(t.store)]).toEqual([name, code]);
      }
      expect((await whoami(good)).status).toBe(200);
    });

    it("accepts tokens until valid_to and refuses them after (injectable clock)", async () => {
      const token = await crtauthLogin(t.url, { username: "alice", signer: await fileSigner(alice.key) });
      const start = t.clock.now;
      try {
        t.clock.now = Math.floor(start / 1000) * 1000 + 60_000; // valid_to, inclusive
        expect((await whoami(token)).status).toBe(200);
        t.clock.now += 1_000;
        await expectRefused(token, "token_expired");
      } finally {
        t.clock.now = start;
      }
    });
  });

  describe("secrets shared by several instances, and rotation", () => {
    it("instances sharing secret and store accept each other's challenges and tokens; responses stay one-time", async () => {
      const other = await sibling({ secret: SECRET });
      const signer = await fileSigner(alice.key);
      const response = await signedResponse(t.url, "alice", signer); // challenge from the first instance
      const r = await raw(other, { headers: { "X-CHAP": `response:${response}` } });
      expect(r.status).toBe(200);
      const token = String(r.headers["x-chap"]).slice("token:".length);
      expect((await whoami(token)).status).toBe(200); // minted by the other instance
      const replay = await raw(t.url, { headers: { "X-CHAP": `response:${response}` } });
      expect([replay.status, replay.headers["x-sshkey-error"]]).toEqual([403, "replayed"]);
    });

    it("accepts tokens made under the previous secret for one lifetime after a rotation", async () => {
      const oldToken = await crtauthLogin(t.url, { username: "alice", signer: await fileSigner(alice.key) });
      const rotated = await sibling({ secret: "rotated-secret", previousSecret: SECRET });
      const onlyNew = await sibling({ secret: "rotated-secret" });
      const at = (url: string, token: string) => getJson(`${url}/whoami`, { authorization: `chap:${token}` });
      expect((await at(rotated, oldToken)).status).toBe(200);
      expect((await at(onlyNew, oldToken)).body.error.code).toBe("invalid_credentials");
      // New tokens come from the new secret, and the old server no longer reads them.
      const newToken = await crtauthLogin(rotated, { username: "alice", signer: await fileSigner(alice.key) });
      expect((await at(onlyNew, newToken)).status).toBe(200);
      expect((await at(t.url, newToken)).body.error.code).toBe("invalid_credentials");
      // One lifetime later the old token is gone everywhere.
      const start = t.clock.now;
      try {
        t.clock.now += 61_000;
        expect((await at(rotated, oldToken)).body.error.code).toBe("token_expired");
      } finally {
        t.clock.now = start;
      }
    });
  });

  describe("revocation and disabled users", () => {
    it("a revoked key gets no token, and its token stops at once when it was the user's only RSA key", async () => {
      await t.store.directory.addUser("dave");
      const dave = keygen(tmp.dir, "dave_rsa");
      await t.store.directory.addKey("dave", dave.pub);
      const signer = await fileSigner(dave.key);
      const token = await crtauthLogin(t.url, { username: "dave", signer });
      expect((await whoami(token)).status).toBe(200);
      await t.store.directory.revokeKey(parsePublicKey(dave.pub).fingerprintSha256);
      await expectRefused(token, "key_revoked");
      // A token's success is not logged (the handshake was), its refusal is.
      expect(await lastEvent(t.store)).toMatchObject({ scheme: "crtauth", outcome: "failure", errorCode: "key_revoked" });
      await expect(crtauthLogin(t.url, { username: "dave", signer })).rejects.toMatchObject({ code: "handshake_refused", status: 403 });
      const response = await signedResponse(t.url, "dave", signer);
      expect((await raw(t.url, { headers: { "X-CHAP": `response:${response}` } })).headers["x-sshkey-error"]).toBe("key_revoked");
    });

    it("with another active RSA key left, a revoked key's token lasts at most one token lifetime", async () => {
      await t.store.directory.addUser("erin");
      const oldKey = keygen(tmp.dir, "erin_old");
      const newKey = keygen(tmp.dir, "erin_new");
      await t.store.directory.addKey("erin", oldKey.pub);
      await new Promise((r) => setTimeout(r, 5)); // distinct createdAt: the new key is the one challenges name
      await t.store.directory.addKey("erin", newKey.pub);
      // The challenge names the newest key; the old key's signature is still found.
      const token = await crtauthLogin(t.url, { username: "erin", signer: await fileSigner(oldKey.key) });
      await t.store.directory.revokeKey(parsePublicKey(oldKey.pub).fingerprintSha256);
      const start = t.clock.now;
      try {
        expect((await whoami(token)).status).toBe(200); // within the bound
        t.clock.now += 61_000; // one lifetime (60 s) later
        await expectRefused(token, "token_expired");
        const refused = await signedResponse(t.url, "erin", await fileSigner(oldKey.key));
        expect((await raw(t.url, { headers: { "X-CHAP": `response:${refused}` } })).headers["x-sshkey-error"]).toBe("key_revoked");
        const fresh = await crtauthLogin(t.url, { username: "erin", signer: await fileSigner(newKey.key) });
        expect((await whoami(fresh)).body.fingerprint).toBe(parsePublicKey(newKey.pub).fingerprintSha256);
      } finally {
        t.clock.now = start;
      }
    });

    it("a disabled user's tokens stop and no new one is issued", async () => {
      await t.store.directory.addUser("fred");
      const fred = keygen(tmp.dir, "fred_rsa");
      await t.store.directory.addKey("fred", fred.pub);
      const signer = await fileSigner(fred.key);
      const token = await crtauthLogin(t.url, { username: "fred", signer });
      await t.store.directory.setUserFlags("fred", { disabled: true });
      await expectRefused(token, "user_disabled");
      const response = await signedResponse(t.url, "fred", signer);
      expect((await raw(t.url, { headers: { "X-CHAP": `response:${response}` } })).headers["x-sshkey-error"]).toBe("user_disabled");
    });

    it("a token issued before a disable stays dead after the user is re-enabled; a new handshake works", async () => {
      const start = t.clock.now;
      try {
        // The test clock follows the wall clock here: the account's change time is a store stamp
        // (the database's own time; the memory store's clock, which is this one).
        t.clock.now = Date.now();
        await t.store.directory.addUser("gina");
        const gina = keygen(tmp.dir, "gina_rsa");
        await t.store.directory.addKey("gina", gina.pub);
        const signer = await fileSigner(gina.key);
        await new Promise((resolve) => setTimeout(resolve, 1100)); // a change, not the creation
        t.clock.now = Date.now();
        const before = await crtauthLogin(t.url, { username: "gina", signer });
        expect((await whoami(before)).status).toBe(200);
        await new Promise((resolve) => setTimeout(resolve, 1000));
        t.clock.now = Date.now(); // the memory store stamps the change with this clock
        await t.store.directory.setUserFlags("gina", { disabled: true });
        await expectRefused(before, "user_disabled");
        await t.store.directory.setUserFlags("gina", { disabled: false });
        t.clock.now = Date.now();
        await expectRefused(before, "token_expired");
        crtauthTokens.forget(new URL(t.url), "gina", signer);
        const after = await crtauthLogin(t.url, { username: "gina", signer });
        expect((await whoami(after)).status).toBe(200);
      } finally {
        t.clock.now = start;
      }
    });
  });
});
