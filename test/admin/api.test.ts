// The admin API through HTTP, on every database: sessions, CSRF, permissions, keys, users, events.
import path from "node:path";
import fs from "node:fs";
import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSignInLink } from "../../strategy/admin/sessions.js";
import { databaseKinds } from "../support/databases.js";
import { fixtureKey, fixtures } from "../support/forge-jwt.js";
import { jwtFor } from "../support/tokens.js";
import { fixtureKeyPair } from "../support/fixture-keys.js";
import { createJwtAuthorization, loadKeyFileSigner } from "../../strategy/client/index.js";
import { signSshauthToken } from "../../strategy/schemes/sshauth/sign.js";
import { clientFor, cookieFrom, newKeyLine, redeemLink, request, signIn, startAdminServer, type AdminServer, type Client } from "./support.js";

const rsaPub = fs.readFileSync(path.join(fixtures, "keys/ajwt/rsa2048.pub"), "utf8");
const rsaPem = fs.readFileSync(path.join(fixtures, "keys/ajwt/rsa2048.pem"), "utf8");

/** A POST with any Host header (fetch forbids setting one). */
function rawPost(base: string, pathname: string, headers: Record<string, string>): Promise<{ status: number; body: any }> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: url.hostname, port: url.port, method: "POST", path: pathname, headers }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (d) => (text += d));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
    });
    req.on("error", reject);
    req.end();
  });
}

describe.each(databaseKinds)("admin API on %s", (kind) => {
  let server: AdminServer;
  let root: Client;
  let alice: Client;
  let bob: Client;
  let aliceKeyId: string;
  let bobKeyId: string;

  beforeAll(async () => {
    server = await startAdminServer(kind);
    const d = server.store.directory;
    await d.addUser("root", { isAdmin: true });
    await d.addUser("alice");
    await d.addUser("bob");
    root = await signIn(server, "root");
    alice = await signIn(server, "alice");
    bob = await signIn(server, "bob");
    aliceKeyId = (await d.addKey("alice", rsaPub, { comment: "laptop" })).id;
    bobKeyId = (await d.addKey("bob", newKeyLine("bob-key"))).id;
  });
  afterAll(async () => {
    await server.close();
  });
  /** A sign-in JWT bound to this console: aud = its URL. */
  const consoleJwt = (username: string, time: number, claims: Record<string, unknown> = {}) =>
    jwtFor(username, fixtureKey("ajwt/rsa2048.pem"), { time, claims: { aud: `${server.url}/admin`, ...claims } });

  describe("sessions", () => {
    it("GET /me returns the user, isAdmin and a CSRF token; the cookie is HttpOnly, SameSite=Strict, Path=/admin", async () => {
      const user = await server.store.database.prisma.user.findUniqueOrThrow({ where: { username: "alice" } });
      const { secret } = await createSignInLink(server.store.sessions, user.id, { now: server.clock.now });
      const r = await redeemLink(`${server.url}/admin/login/${secret}`);
      expect(r.status).toBe(303);
      expect(r.headers.get("location")).toBe("/admin/");
      const setCookie = r.headers.get("set-cookie")!;
      expect(setCookie).toMatch(/HttpOnly/);
      expect(setCookie).toMatch(/SameSite=Strict/);
      expect(setCookie).toMatch(/Path=\/admin/);
      expect(setCookie).not.toMatch(/Secure/);
      const value = /sshkey_console=([^;]*)/.exec(setCookie)![1]!;
      expect(Buffer.from(value, "base64url")).toHaveLength(32);
      // Only the SHA-256 of the cookie is stored.
      const rows = await server.store.database.prisma.consoleSession.findMany({ where: { userId: user.id } });
      expect(rows.some((s) => s.id === value)).toBe(false);
      const me = await request(`${server.url}/admin/api/me`, { headers: { cookie: cookieFrom(r.headers) } });
      expect(me.status).toBe(200);
      expect(me.body).toMatchObject({ user: { username: "alice", isAdmin: false }, isAdmin: false });
      expect(me.body.csrfToken).toMatch(/^[\w-]{43}$/);
    });

    it("refuses requests without a session", async () => {
      expect((await request(`${server.url}/admin/api/me`)).body.error.code).toBe("unauthenticated");
      const r = await request(`${server.url}/admin/api/keys`, { headers: { cookie: "sshkey_console=bogus" } });
      expect(r.status).toBe(401);
    });

    it("expires idle sessions (sliding) and at the absolute timeout", async () => {
      const c = await signIn(server, "alice");
      server.clock.now += 25 * 60_000;
      expect((await c.call("GET", "/me")).status).toBe(200); // slides the idle window
      server.clock.now += 25 * 60_000;
      expect((await c.call("GET", "/me")).status).toBe(200);
      server.clock.now += 31 * 60_000;
      const idle = await c.call("GET", "/me");
      expect(idle.status).toBe(401);
      expect(idle.body.error.code).toBe("session_expired");
      expect((await c.call("GET", "/me")).body.error.code).toBe("unauthenticated"); // deleted

      const d = await signIn(server, "alice");
      for (let i = 0; i < 25; i++) {
        server.clock.now += 29 * 60_000;
        const r = await d.call("GET", "/me");
        if (i < 24) expect(r.status).toBe(200);
        else expect(r.body.error.code).toBe("session_expired"); // 25 × 29 min > 12 h
      }
      // Re-sign in the shared clients after moving the clock this far.
      root = await signIn(server, "root");
      alice = await signIn(server, "alice");
      bob = await signIn(server, "bob");
    });

    it("logs out: the session is gone and the cookie cleared", async () => {
      const c = await signIn(server, "bob");
      const out = await c.call("POST", "/session/logout");
      expect(out.status).toBe(200);
      expect(out.headers.get("set-cookie")).toMatch(/sshkey_console=;/);
      expect((await c.call("GET", "/me")).status).toBe(401);
    });
  });

  describe("CSRF", () => {
    it("refuses a mutating request without, or with a wrong, X-CSRF-Token", async () => {
      const missing = await request(`${server.url}/admin/api/keys/${aliceKeyId}`, {
        method: "PATCH",
        headers: { cookie: alice.cookie, "content-type": "application/json" },
        body: JSON.stringify({ comment: "x" }),
      });
      expect(missing.status).toBe(403);
      expect(missing.body.error.code).toBe("csrf_failed");
      const wrong = await clientFor(server.url, alice.cookie, "A".repeat(43)).call("PATCH", `/keys/${aliceKeyId}`, { comment: "x" });
      expect(wrong.status).toBe(403);
      expect(wrong.body.error.code).toBe("csrf_failed");
      // Another session's token does not work either.
      const other = await clientFor(server.url, alice.cookie, bob.csrf).call("POST", "/session/logout");
      expect(other.body.error.code).toBe("csrf_failed");
      expect((await alice.call("GET", `/keys/${aliceKeyId}`)).body.key.comment).toBe("laptop");
    });

    it("refuses a foreign Origin even with the right token", async () => {
      const r = await alice.call("PATCH", `/keys/${aliceKeyId}`, { comment: "x" }, { origin: "https://evil.example" });
      expect(r.status).toBe(403);
      expect(r.body.error.code).toBe("cross_origin");
      const same = await alice.call("PATCH", `/keys/${aliceKeyId}`, { comment: "laptop" }, { origin: server.url });
      expect(same.status).toBe(200);
    });
  });

  describe("sign-in links", () => {
    it("are single use", async () => {
      const user = await server.store.database.prisma.user.findUniqueOrThrow({ where: { username: "alice" } });
      const { secret } = await createSignInLink(server.store.sessions, user.id, { now: server.clock.now });
      const stored = await server.store.database.prisma.signInLink.findMany();
      expect(stored.some((l) => l.id === secret)).toBe(false);
      const results = await Promise.all([1, 2, 3].map(() => redeemLink(`${server.url}/admin/login/${secret}`)));
      expect(results.filter((r) => r.status === 303)).toHaveLength(1);
      const again = await request(`${server.url}/admin/login/${secret}`);
      expect(again.status).toBe(410);
      expect(again.body.error.code).toBe("link_used");
    });

    it("expire after 5 minutes; unknown links are refused", async () => {
      const user = await server.store.database.prisma.user.findUniqueOrThrow({ where: { username: "alice" } });
      const { secret } = await createSignInLink(server.store.sessions, user.id, { now: server.clock.now });
      server.clock.now += 5 * 60_000 + 1;
      const r = await request(`${server.url}/admin/login/${secret}`);
      expect(r.status).toBe(410);
      expect(r.body.error.code).toBe("link_expired");
      expect((await request(`${server.url}/admin/login/${"x".repeat(43)}`)).body.error.code).toBe("link_invalid");
      expect((await request(`${server.url}/admin/login/short`)).body.error.code).toBe("link_invalid");
    });

    it("redemption and login are rate-limited per IP", async () => {
      const limited = await server.mount({ rateLimit: { capacity: 3, refillPerMinute: 1 } });
      const codes = [];
      for (let i = 0; i < 4; i++) codes.push((await request(`${limited}/admin/login/${"y".repeat(43)}`)).status);
      expect(codes).toEqual([400, 400, 400, 429]);
      const r = await request(`${limited}/admin/api/login/jwt`, { method: "POST" });
      expect(r.status).toBe(429);
      expect(r.body.error.code).toBe("rate_limited");
      expect(r.headers.get("retry-after")).toBe(String(r.body.error.retryAfter));
      expect(Number(r.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
      server.clock.now += 60_000;
      expect((await request(`${limited}/admin/login/${"y".repeat(43)}`)).status).toBe(400);
    });

    it("also limits failed sign-ins per claimed username, whatever the IP, with Retry-After", async () => {
      // A generous per-IP limit: the attempts below come from one test client but stand for many addresses.
      const limited = await server.mount({ rateLimit: { capacity: 100, refillPerMinute: 100, perUsername: { capacity: 3, refillPerMinute: 1 } } });
      const t = () => Math.floor(server.clock.now / 1000);
      const stranger = fixtureKeyPair("rsa2048-a").privateKey;
      const statuses = [];
      for (let i = 0; i < 4; i++) {
        statuses.push(
          (await request(`${limited}/admin/api/login/jwt`, { method: "POST", headers: { authorization: jwtFor("alice", stranger, { time: t() }) } })).status,
        );
      }
      expect(statuses).toEqual([401, 401, 401, 429]);
      // alice herself is held back too until the bucket refills; another user is not.
      const held = await request(`${limited}/admin/api/login/jwt`, {
        method: "POST",
        headers: { authorization: consoleJwt("alice", t(), { aud: `${limited}/admin` }) },
      });
      expect([held.status, held.body.error.code]).toEqual([429, "rate_limited"]);
      expect(Number(held.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
      expect(
        (await request(`${limited}/admin/api/login/jwt`, { method: "POST", headers: { authorization: jwtFor("bob", stranger, { time: t() }) } })).status,
      ).toBe(401);
      server.clock.now += 60_000;
      expect(
        (await request(`${limited}/admin/api/login/jwt`, { method: "POST", headers: { authorization: consoleJwt("alice", t(), { aud: `${limited}/admin` }) } }))
          .status,
      ).toBe(200);
      expect(() => server.mount({ rateLimit: { capacity: 0 } })).toThrow(/rateLimit/);
    });
  });

  describe("POST /api/login/jwt", () => {
    it("turns a valid JWT into a one-time link, and refuses the same JWT replayed", async () => {
      const header = consoleJwt("alice", Math.floor(server.clock.now / 1000));
      const r = await request(`${server.url}/admin/api/login/jwt`, { method: "POST", headers: { authorization: header } });
      expect(r.status).toBe(200);
      expect(r.body.link).toMatch(new RegExp(`^${server.url}/admin/login/[\\w-]{43}$`));
      const redeemed = await redeemLink(r.body.link);
      expect(redeemed.status).toBe(303);
      const me = await request(`${server.url}/admin/api/me`, { headers: { cookie: cookieFrom(redeemed.headers) } });
      expect(me.body.user.username).toBe("alice");

      const replay = await request(`${server.url}/admin/api/login/jwt`, { method: "POST", headers: { authorization: header } });
      expect(replay.status).toBe(401);
      expect(replay.body.error.code).toBe("replayed");
    });

    it("refuses a missing or bad credential with the strategy's code", async () => {
      const none = await request(`${server.url}/admin/api/login/jwt`, { method: "POST" });
      expect([none.status, none.body.error.code]).toEqual([401, "missing_credentials"]);
      const bad = await request(`${server.url}/admin/api/login/jwt`, { method: "POST", headers: { authorization: "JWT not.a.jwt" } });
      expect(bad.status).toBe(400);
      const foreign = await request(`${server.url}/admin/api/login/jwt`, {
        method: "POST",
        headers: { authorization: consoleJwt("alice", Math.floor(server.clock.now / 1000)), origin: "https://evil.example" },
      });
      expect(foreign.body.error.code).toBe("cross_origin");
      // An unknown user and a wrong key get the same public answer; the log keeps which.
      const t = Math.floor(server.clock.now / 1000);
      const ghost = await request(`${server.url}/admin/api/login/jwt`, { method: "POST", headers: { authorization: consoleJwt("phantom", t) } });
      const wrongKey = await request(`${server.url}/admin/api/login/jwt`, {
        method: "POST",
        headers: { authorization: jwtFor("alice", fixtureKeyPair("rsa2048-a").privateKey, { time: t, claims: { aud: `${server.url}/admin` } }) },
      });
      expect([ghost.status, ghost.body]).toEqual([wrongKey.status, wrongKey.body]);
      expect([ghost.status, ghost.body.error.code]).toEqual([401, "invalid_credentials"]);
    });
  });

  describe("sign-in is bound to this console", () => {
    const login = (base: string, authorization: string) => request(`${base}/admin/api/login/jwt`, { method: "POST", headers: { authorization } });
    const now = () => server.clock.now;

    it("refuses a JWT the client made for another service (no aud, or another aud), replayed here", async () => {
      const signer = await loadKeyFileSigner(path.join(fixtures, "keys/ajwt/rsa2048.pem"));
      const forWhoami = await createJwtAuthorization({ signer, username: "alice", now });
      const forOther = await createJwtAuthorization({ signer, username: "alice", now, audience: "http://127.0.0.1:1/admin" });
      const forUs = await createJwtAuthorization({ signer, username: "alice", now, audience: `${server.url}/admin` });
      signer.close();
      for (const header of [forWhoami, forOther]) {
        const r = await login(server.url, header);
        expect([r.status, r.body.error.code]).toEqual([401, "invalid_audience"]);
        expect(r.body.error.message).toContain(`${server.url}/admin`);
      }
      expect((await login(server.url, forUs)).status).toBe(200);
      const list = await login(server.url, consoleJwt("alice", Math.floor(now() / 1000), { aud: ["https://elsewhere.example", `${server.url}/admin`] }));
      expect(list.status).toBe(200);
      await server.store.events.flush();
      const events = await root.call("GET", "/events?user=alice&outcome=failure");
      expect(events.body.events.filter((e: { errorCode: string }) => e.errorCode === "invalid_audience").length).toBeGreaterThanOrEqual(2);
    });

    it("refuses an sshauth token (here made with the shared default magic): the console takes only its own JWTs", async () => {
      await server.store.directory.addUser("sshauth-user");
      const key = await server.store.directory.addKey("sshauth-user", fs.readFileSync(path.join(fixtures, "keys/sshauth/ed25519.pub"), "utf8"));
      const signer = await loadKeyFileSigner(path.join(fixtures, "keys/sshauth/ed25519"));
      const token = await signSshauthToken({ signer, identity: "sshauth-user", includeFingerprint: true, timestamp: Math.floor(now() / 1000) });
      signer.close();
      for (const header of [`Bearer ${token}`, `SSHAuth ${token}`]) {
        const r = await login(server.url, header);
        expect(r.status).toBe(401);
        expect(r.body.link).toBeUndefined();
      }
      // Out of the way of the key-listing tests below.
      await server.store.directory.removeKeyById(key.id);
      await server.store.database.prisma.user.delete({ where: { username: "sshauth-user" } });
    });

    it("builds links and the audience from publicUrl when set, else from the listening address, never from Host", async () => {
      const spoofed = await rawPost(server.url, "/admin/api/login/jwt", { authorization: consoleJwt("alice", Math.floor(now() / 1000)), host: "evil.example" });
      expect(spoofed.status).toBe(200);
      expect(spoofed.body.link.startsWith(`${server.url}/admin/login/`)).toBe(true);

      const proxied = await server.mount({ publicUrl: "HTTPS://Console.Example.com/admin/" });
      const wrongAud = await login(proxied, consoleJwt("alice", Math.floor(now() / 1000)));
      expect(wrongAud.body.error.code).toBe("invalid_audience");
      const ok = await rawPost(proxied, "/admin/api/login/jwt", {
        authorization: consoleJwt("alice", Math.floor(now() / 1000), { aud: "https://console.example.com/admin" }),
        host: "evil.example",
      });
      expect(ok.status).toBe(200);
      expect(ok.body.link).toMatch(/^https:\/\/console\.example\.com\/admin\/login\/[\w-]{43}$/);
      expect(() => server.mount({ publicUrl: "console.example.com" })).toThrow(/publicUrl/);
    });
  });

  describe("keys", () => {
    it("previews a paste without saving: type, bits, fingerprints, kid, comment and problems", async () => {
      const before = await server.store.database.prisma.publicKey.count();
      const text = `${newKeyLine("one")}\nssh-dss AAAAB3NzaC1kc3MAAACBAP8= old\n${rsaPem}`;
      const r = await alice.call("POST", "/keys/preview", { text });
      expect(r.status).toBe(200);
      const [ok, dsa, priv] = r.body.keys;
      expect(ok).toMatchObject({ ok: true, type: "ssh-ed25519", bits: 256, comment: "one" });
      expect(ok.fingerprintSha256).toMatch(/^SHA256:/);
      expect(ok.fingerprintMd5).toMatch(/^MD5:([0-9a-f]{2}:){15}[0-9a-f]{2}$/);
      expect(ok.kid).toMatch(/^[0-9a-f]{64}$/);
      expect(dsa.ok).toBe(false);
      expect(priv).toMatchObject({ ok: false, problem: { code: "private_key" } });
      expect(JSON.stringify(r.body)).not.toContain("PRIVATE KEY");
      expect(await server.store.database.prisma.publicKey.count()).toBe(before);
    });

    it("adds one or several keys; refuses a private key, a bad key or a duplicate, saving nothing", async () => {
      const added = await alice.call("POST", "/keys", { text: `${newKeyLine("a")}\n${newKeyLine("b")}`, expiresAt: "2031-06-01" });
      expect(added.status).toBe(201);
      expect(added.body.keys.map((k: { comment: string }) => k.comment).sort()).toEqual(["a", "b"]);
      expect(added.body.keys[0]).toMatchObject({ username: "alice", status: "active", expiresAt: "2031-06-01T00:00:00.000Z" });
      expect(added.body.keys[0]).not.toHaveProperty("crtauthFingerprint");

      const priv = await alice.call("POST", "/keys", { text: rsaPem });
      expect([priv.status, priv.body.error.code]).toEqual([400, "private_key"]);
      expect(priv.body.error.message).toMatch(/private key/);
      expect(JSON.stringify(priv.body)).not.toContain("BEGIN");

      const count = await server.store.database.prisma.publicKey.count();
      const mixed = await alice.call("POST", "/keys", { text: `${newKeyLine()}\nssh-rsa AAAA!!!` });
      expect([mixed.status, mixed.body.error.code]).toEqual([400, "invalid_keys"]);
      const dup = await alice.call("POST", "/keys", { text: `${newKeyLine()}\n${rsaPub}` });
      expect([dup.status, dup.body.error.code]).toEqual([409, "key_exists"]);
      expect(await server.store.database.prisma.publicKey.count()).toBe(count);
      const empty = await alice.call("POST", "/keys", { text: "   " });
      expect([empty.status, empty.body.error.code]).toEqual([400, "invalid_keys"]);
    });

    it("lets admins add keys for a user; not others", async () => {
      const r = await root.call("POST", "/keys", { text: newKeyLine(), username: "bob", comment: "by root" });
      expect(r.status).toBe(201);
      expect(r.body.keys[0]).toMatchObject({ username: "bob", comment: "by root" });
      const refused = await alice.call("POST", "/keys", { text: newKeyLine(), username: "bob" });
      expect([refused.status, refused.body.error.code]).toEqual([403, "forbidden"]);
      const nobody = await root.call("POST", "/keys", { text: newKeyLine(), username: "nobody" });
      expect([nobody.status, nobody.body.error.code]).toEqual([404, "user_not_found"]);
    });

    it("lists only one's own keys; admins everyone's or one user's", async () => {
      const mine = await alice.call("GET", "/keys");
      expect(mine.status).toBe(200);
      expect(new Set(mine.body.keys.map((k: { username: string }) => k.username))).toEqual(new Set(["alice"]));
      expect((await alice.call("GET", "/keys?user=bob")).status).toBe(403);
      const all = await root.call("GET", "/keys");
      expect(new Set(all.body.keys.map((k: { username: string }) => k.username))).toEqual(new Set(["alice", "bob"]));
      const bobs = await root.call("GET", "/keys?user=bob");
      expect(bobs.body.keys.every((k: { username: string }) => k.username === "bob")).toBe(true);
      const search = await alice.call("GET", "/keys?q=lapt");
      expect(search.body.keys.map((k: { comment: string }) => k.comment)).toEqual(["laptop"]);
      expect((await root.call("GET", "/keys?status=bogus")).body.error.code).toBe("invalid_request");
      expect((await root.call("GET", "/keys?cursor=zzz")).body.error.code).toBe("invalid_cursor");
      expect((await root.call("GET", "/keys?limit=100000")).status).toBe(400);
    });

    it("shows a key's detail with its recent authentication events", async () => {
      const header = consoleJwt("alice", Math.floor(server.clock.now / 1000));
      expect((await request(`${server.url}/admin/api/login/jwt`, { method: "POST", headers: { authorization: header } })).status).toBe(200);
      await server.store.events.flush();
      const r = await alice.call("GET", `/keys/${aliceKeyId}`);
      expect(r.status).toBe(200);
      expect(r.body.key).toMatchObject({ id: aliceKeyId, type: "ssh-rsa", bits: 2048, comment: "laptop", lastUsedScheme: "console" });
      expect(r.body.key.useCount).toBeGreaterThanOrEqual(1);
      // A console sign-in is its own kind in the log (issue 18).
      expect(r.body.events[0]).toMatchObject({ scheme: "console", outcome: "success" });
    });

    it("edits comment and expiry, with typed refusals", async () => {
      const r = await alice.call("PATCH", `/keys/${aliceKeyId}`, { comment: "work laptop", expiresAt: "2031-01-01T00:00:00Z" });
      expect(r.status).toBe(200);
      expect(r.body.key).toMatchObject({ comment: "work laptop", expiresAt: "2031-01-01T00:00:00.000Z" });
      expect((await alice.call("PATCH", `/keys/${aliceKeyId}`, { expiresAt: null })).body.key.expiresAt).toBeNull();
      for (const body of [{}, { comment: 5 }, { expiresAt: "tomorrow" }, { comment: "x".repeat(201) }, { extra: true }, [1], "null"]) {
        const bad = await alice.call("PATCH", `/keys/${aliceKeyId}`, body);
        expect(bad.status, JSON.stringify(body)).toBe(400);
        expect(["invalid_body", "malformed_json"]).toContain(bad.body.error.code);
      }
    });

    it("revokes with a reason (once) and deletes", async () => {
      const key = (await alice.call("POST", "/keys", { text: newKeyLine("old") })).body.keys[0];
      const r = await alice.call("POST", `/keys/${key.id}/revoke`, { reason: "rotated" });
      expect(r.status).toBe(200);
      expect(r.body.key).toMatchObject({ status: "revoked", revokedReason: "rotated" });
      expect((await alice.call("GET", "/keys?status=revoked")).body.keys.map((k: { id: string }) => k.id)).toContain(key.id);
      const again = await alice.call("POST", `/keys/${key.id}/revoke`, {});
      expect([again.status, again.body.error.code]).toEqual([409, "already_revoked"]);
      expect((await alice.call("DELETE", `/keys/${key.id}`)).body).toEqual({ deleted: true, id: key.id });
      expect((await alice.call("GET", `/keys/${key.id}`)).status).toBe(404);
      expect((await alice.call("DELETE", `/keys/${key.id}`)).status).toBe(404);
    });

    it("another user's key is a 404 for every operation; an admin may act on it", async () => {
      const attempts = [
        await alice.call("GET", `/keys/${bobKeyId}`),
        await alice.call("PATCH", `/keys/${bobKeyId}`, { comment: "mine now" }),
        await alice.call("POST", `/keys/${bobKeyId}/revoke`, { reason: "x" }),
        await alice.call("DELETE", `/keys/${bobKeyId}`),
        await alice.call("GET", `/keys/00000000-0000-0000-0000-000000000000`),
      ];
      for (const r of attempts) expect([r.status, r.body.error.code]).toEqual([404, "key_not_found"]);
      expect(await server.store.database.prisma.publicKey.findUnique({ where: { id: bobKeyId } })).toMatchObject({ revokedAt: null, comment: "bob-key" });
      expect((await root.call("PATCH", `/keys/${bobKeyId}`, { comment: "checked" })).body.key.comment).toBe("checked");
    });

    it("paginates a few hundred keys with a stable cursor", async () => {
      // 300 keys over six users: one user may hold at most 50 (maxKeysPerUser).
      const admin = root;
      for (let u = 0; u < 6; u++) {
        await server.store.directory.addUser(`many${u}`);
        const lines = Array.from({ length: 50 }, (_, i) => newKeyLine(`paged-${u}-${i}`)).join("\n");
        expect((await admin.call("POST", "/keys", { text: lines, username: `many${u}` })).status).toBe(201);
      }
      const seen: string[] = [];
      let cursor: string | null = "";
      let pages = 0;
      while (cursor !== null) {
        const page: { body: { keys: { id: string }[]; nextCursor: string | null } } = await admin.call("GET", `/keys?q=paged-&limit=70&cursor=${cursor}`);
        seen.push(...page.body.keys.map((k) => k.id));
        cursor = page.body.nextCursor;
        pages++;
      }
      expect(pages).toBe(5);
      expect(seen).toHaveLength(300);
      expect(new Set(seen).size).toBe(300);
    });
  });

  describe("users (admin only)", () => {
    it("non-admins get 403 on every admin endpoint", async () => {
      const attempts = [
        await alice.call("GET", "/users"),
        await alice.call("POST", "/users", { username: "mallory" }),
        await alice.call("PATCH", "/users/alice", { isAdmin: true }),
        await alice.call("GET", "/events"),
      ];
      for (const r of attempts) expect([r.status, r.body.error.code]).toEqual([403, "forbidden"]);
    });

    it("lists, searches and pages users", async () => {
      const r = await root.call("GET", "/users?limit=2");
      expect(r.body.users.map((u: { username: string }) => u.username)).toEqual(["alice", "bob"]);
      const next = await root.call("GET", `/users?limit=2&cursor=${r.body.nextCursor}`);
      expect(next.body.users[0].username).toBe("many0");
      expect((await root.call("GET", "/users?q=ro")).body.users.map((u: { username: string }) => u.username)).toEqual(["root"]);
    });

    it("creates users, refusing duplicates and bad names", async () => {
      const r = await root.call("POST", "/users", { username: "carol", isAdmin: false });
      expect(r.status).toBe(201);
      expect(r.body.user).toMatchObject({ username: "carol", isAdmin: false, disabled: false });
      expect((await root.call("POST", "/users", { username: "carol" })).body.error.code).toBe("user_exists");
      expect((await root.call("POST", "/users", { username: "a b" })).status).toBe(400);
      expect((await root.call("POST", "/users", { username: 7 })).body.error.code).toBe("invalid_body");
    });

    it("sets admin and disables users (ending their sessions); an admin cannot demote or disable themself", async () => {
      const carol = await root.call("PATCH", "/users/carol", { isAdmin: true });
      expect(carol.body.user.isAdmin).toBe(true);
      expect((await root.call("PATCH", "/users/nobody", { disabled: true })).status).toBe(404);
      for (const body of [{ isAdmin: false }, { disabled: true }]) {
        const self = await root.call("PATCH", "/users/root", body);
        expect([self.status, self.body.error.code]).toEqual([409, "cannot_change_self"]);
      }
      const bobSession = await signIn(server, "bob");
      expect((await root.call("PATCH", "/users/bob", { disabled: true })).body.user.disabled).toBe(true);
      expect((await bobSession.call("GET", "/me")).status).toBe(401);
      const user = await server.store.database.prisma.user.findUniqueOrThrow({ where: { username: "bob" } });
      const { secret } = await createSignInLink(server.store.sessions, user.id, { now: server.clock.now });
      expect((await request(`${server.url}/admin/login/${secret}`)).body.error.code).toBe("user_disabled");
      expect((await root.call("PATCH", "/users/bob", { disabled: false })).body.user.disabled).toBe(false);
    });
  });

  describe("events (admin only)", () => {
    it("filters by user, key, scheme, outcome and time, newest first, with a cursor", async () => {
      const t = Math.floor(server.clock.now / 1000);
      await request(`${server.url}/admin/api/login/jwt`, { method: "POST", headers: { authorization: consoleJwt("alice", t) } });
      await request(`${server.url}/admin/api/login/jwt`, { method: "POST", headers: { authorization: consoleJwt("ghost", t) } });
      // bob exists, but this key is not his: a failure that still shows under ?user=bob.
      await request(`${server.url}/admin/api/login/jwt`, { method: "POST", headers: { authorization: consoleJwt("bob", t) } });
      await server.store.events.flush();
      const all = await root.call("GET", "/events");
      expect(all.status).toBe(200);
      expect(all.body.events.length).toBeGreaterThanOrEqual(3);
      const ghost = await root.call("GET", "/events?user=ghost");
      expect(ghost.body.events).toHaveLength(1);
      expect(ghost.body.events[0]).toMatchObject({ outcome: "failure", username: "ghost", scheme: "console" });
      const bobFailures = await root.call("GET", "/events?user=bob&outcome=failure");
      expect(bobFailures.body.events.some((e: { username: string; userId: string | null }) => e.username === "bob" && e.userId === null)).toBe(true);
      const ok = await root.call("GET", `/events?user=alice&key=${aliceKeyId}&scheme=console&outcome=success`);
      expect(ok.body.events.length).toBeGreaterThanOrEqual(2);
      expect(ok.body.events.every((e: { outcome: string; keyId: string }) => e.outcome === "success" && e.keyId === aliceKeyId)).toBe(true);
      const future = await root.call("GET", `/events?from=${new Date(server.clock.now + 1000).toISOString()}`);
      expect(future.body.events).toEqual([]);
      const first = await root.call("GET", "/events?limit=1");
      const second = await root.call("GET", `/events?limit=1&cursor=${first.body.nextCursor}`);
      expect(second.body.events[0].id).not.toBe(first.body.events[0].id);
      expect((await root.call("GET", "/events?outcome=maybe")).status).toBe(400);
      expect((await root.call("GET", "/events?from=yesterday")).status).toBe(400);
    });
  });

  describe("hostile input", () => {
    it("answers malformed JSON, wrong types, huge bodies and unknown routes with typed 4xx", async () => {
      const malformed = await alice.call("POST", "/keys", "{not json");
      expect([malformed.status, malformed.body.error.code]).toEqual([400, "malformed_json"]);
      const types = await alice.call("POST", "/keys", { text: ["a"] });
      expect([types.status, types.body.error.code]).toEqual([400, "invalid_body"]);
      const notJson = await alice.call("POST", "/keys", "text=abc", { "content-type": "application/x-www-form-urlencoded" });
      expect([notJson.status, notJson.body.error.code]).toEqual([400, "invalid_body"]);
      const huge = await alice.call("POST", "/keys/preview", { text: "a".repeat(70 * 1024) });
      expect([huge.status, huge.body.error.code]).toEqual([413, "body_too_large"]);
      const deep = await alice.call("POST", "/keys/preview", "[".repeat(5000) + "]".repeat(5000));
      expect(deep.status).toBe(400);
      const proto = await alice.call("POST", "/keys", '{"__proto__":{"isAdmin":true},"text":"x"}');
      expect(proto.status).toBe(400);
      const unknown = await alice.call("GET", "/nope");
      expect([unknown.status, unknown.body.error.code]).toEqual([404, "not_found"]);
      const badId = await alice.call("GET", `/keys/${"x".repeat(500)}`);
      expect(badId.status).toBe(400);
    });
  });

  describe("resolveUser", () => {
    it("maps an app's own login to a console session without a link", async () => {
      const url = await server.mount({ resolveUser: async (req) => (req.get("x-app-user") as string | undefined) ?? null });
      const me = await request(`${url}/admin/api/me`, { headers: { "x-app-user": "alice" } });
      expect(me.status).toBe(200);
      expect(me.body.user.username).toBe("alice");
      const cookie = cookieFrom(me.headers);
      expect(cookie).not.toBe("");
      const c = clientFor(url, cookie, me.body.csrfToken);
      expect((await c.call("PATCH", `/keys/${aliceKeyId}`, { comment: "via app" }, { "x-app-user": "alice" })).status).toBe(200);
      expect((await request(`${url}/admin/api/me`, { headers: { "x-app-user": "nobody" } })).status).toBe(403);
      expect((await request(`${url}/admin/api/me`)).status).toBe(401);
    });
  });
});
