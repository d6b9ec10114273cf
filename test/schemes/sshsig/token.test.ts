// One touch per session: POST /_sshsig/token trades one request signed by the real
// `ssh-keygen -Y sign` for an SSHSIG-Token bearer token, used on /whoami of the demo app,
// on the memory store, SQLite and PostgreSQL.
import { execFile, execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parsePublicKey } from "../../../strategy/keys/index.js";
import { createToken } from "../../../strategy/schemes/crtauth/token.js";
import { sshsigMessage } from "../../../strategy/schemes/sshsig/message.js";
import { encodeSshsigToken, sshsigTokenKeys } from "../../../strategy/schemes/sshsig/token.js";
import { createSshsigTokenRouter } from "../../../strategy/schemes/sshsig/token-router.js";
import { createDemoApp } from "../../../strategy/server/demo-app.js";
import { SshKeyStrategy } from "../../../strategy/strategy.js";
import { createMemoryStore } from "../../../strategy/store/index.js";
import { openPrismaStore, type PrismaStore } from "../../../strategy/store/prisma/store.js";
import { root, startServe } from "../../support/cli.js";
import { createTestDatabase, databaseKinds, type TestDatabase } from "../../support/databases.js";
import { seedUser } from "../../support/seed.js";
import { lastEventCode, recordedEvents } from "../../support/events.js";
import { startTestServer, type MemoryTestServer, type TestServer } from "../../support/server.js";
import { KeyDir } from "../../support/ssh-keygen.js";
import { msUntilRefused } from "../../support/until-refused.js";

const SECRET = "sshsig-token-test-secret";
const TOKEN_PATH = "/_sshsig/token";

interface Reply {
  status: number;
  headers: Headers;
  body: any;
}

async function call(url: string, init: RequestInit & { headers?: Record<string, string> } = {}): Promise<Reply> {
  const r = await fetch(url, init);
  const text = await r.text();
  return { status: r.status, headers: r.headers, body: text === "" ? null : JSON.parse(text) };
}

interface SignedRequest {
  method?: string;
  target?: string;
  body?: string;
}

/** `Authorization: SSHSIG …` for one request at `time`, signed by ssh-keygen with `user`'s key file. */
function sshsigHeader(keys: KeyDir, user: string, host: string, time: number, request: SignedRequest = {}): string {
  const nonce = randomBytes(12).toString("hex");
  const message = sshsigMessage({
    username: user,
    time,
    nonce,
    method: request.method ?? "POST",
    host,
    target: request.target ?? TOKEN_PATH,
    body: request.body ?? "",
  });
  const armored = execFileSync("ssh-keygen", ["-Y", "sign", "-n", "http@passport-sshkey", "-f", keys.path(user)], {
    input: message,
    encoding: "utf8",
    stdio: ["pipe", "pipe", "pipe"],
  });
  const signature = armored.trim().split("\n").slice(1, -1).join("");
  return `SSHSIG username="${user}", time="${time}", nonce="${nonce}", signature="${signature}"`;
}

describe.each(["memory", ...databaseKinds] as const)("SSHSIG tokens on %s", (kind) => {
  let t: TestServer | MemoryTestServer;
  let host: string;
  const keys = new KeyDir();
  const pubs: Record<string, string> = {};

  beforeAll(async () => {
    t =
      kind === "memory"
        ? await startTestServer("memory", { exposeErrorCodes: true, crtauth: { secret: SECRET } })
        : await startTestServer(kind, { exposeErrorCodes: true, crtauth: { secret: SECRET } });
    host = new URL(t.url).host;
    for (const user of ["alice", "rose", "dora", "gus", "kim"]) {
      await t.store.directory.addUser(user);
      pubs[user] = keys.sshKeygen(user, "ed25519");
      await t.store.directory.addKey(user, pubs[user]);
    }
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    keys.cleanup();
  });

  const sshsig = (user: string, request: SignedRequest = {}) => sshsigHeader(keys, user, host, Math.floor(t.clock.now / 1000), request);

  const exchange = (authorization?: string, method = "POST") =>
    call(`${t.url}${TOKEN_PATH}`, { method, headers: authorization === undefined ? {} : { authorization } });
  const whoami = (token: string, word = "SSHSIG-Token") => call(`${t.url}/whoami`, { headers: { authorization: `${word} ${token}` } });
  async function tokenFor(user: string): Promise<string> {
    const r = await exchange(sshsig(user));
    expect(r.status).toBe(200);
    return r.body.token;
  }

  it("exchanges one signed request for a token used on several requests without signing again", async () => {
    const r = await exchange(sshsig("alice"));
    expect(r.status).toBe(200);
    expect(r.headers.get("cache-control")).toBe("no-store");
    expect(r.body).toEqual({ token: expect.stringMatching(/^[A-Za-z0-9_-]+$/), tokenType: "SSHSIG-Token", expiresAt: expect.any(String), expiresIn: 300 });
    expect(Date.parse(r.body.expiresAt)).toBe((Math.floor(t.clock.now / 1000) + 300) * 1000);
    expect(await lastEventCode(t.store)).toBe(null);
    const fingerprint = parsePublicKey(pubs.alice!).fingerprintSha256;
    for (let i = 0; i < 3; i++) {
      const used = await whoami(r.body.token);
      expect(used.status).toBe(200);
      expect(used.body).toEqual({ username: "alice", scheme: "sshsig-token", fingerprint });
    }
  });

  /** Scheme, outcome and username of every auth event so far, oldest first. */
  async function events(): Promise<string[][]> {
    await t.store.events.flush();
    const rows =
      "database" in t.store ? await (t.store as PrismaStore).database.prisma.authEvent.findMany({ orderBy: { id: "asc" } }) : recordedEvents(t.store);
    return rows.map((e) => [e.scheme, e.outcome, e.username ?? ""]);
  }

  it("records the token exchange as one sshsig event, then one sshsig-token event per use", async () => {
    const start = (await events()).length;
    const token = await tokenFor("alice");
    await whoami(token);
    await whoami(token);
    expect((await events()).slice(start)).toEqual([
      ["sshsig", "success", "alice"],
      ["sshsig-token", "success", "alice"],
      ["sshsig-token", "success", "alice"],
    ]);
  });

  it("refuses the SSHSIG a token was issued for when it comes again", async () => {
    const header = sshsig("alice");
    expect((await exchange(header)).status).toBe(200);
    const again = await exchange(header);
    expect(again.status).toBe(401);
    expect(again.body.error.code).toBe("replayed");
  });

  it("refuses a token once it expired, by the server's clock", async () => {
    const token = await tokenFor("alice");
    const start = t.clock.now;
    try {
      t.clock.now = start + 299_000;
      expect((await whoami(token)).status).toBe(200);
      t.clock.now = start + 301_000;
      const r = await whoami(token);
      expect(r.status).toBe(401);
      expect(r.body.error.code).toBe("token_expired");
      expect(r.headers.get("www-authenticate")).toMatch(/^SSHSIG-Token realm="passport-sshkey", error="invalid_token"/);
    } finally {
      t.clock.now = start;
    }
  });

  it("refuses a revoked key's token on its next use", async () => {
    const token = await tokenFor("rose");
    expect((await whoami(token)).status).toBe(200);
    await t.store.directory.revokeKey(parsePublicKey(pubs.rose!).fingerprintSha256);
    const r = await whoami(token);
    expect(r.status).toBe(401);
    expect(r.body.error.code).toBe("key_revoked");
    expect((await exchange(sshsig("rose"))).body.error.code).toBe("key_revoked");
  });

  it("refuses a disabled user's token, and keeps it dead after the user is re-enabled", async () => {
    // The databases stamp account changes with the real clock, to the second.
    t.clock.now = Date.now();
    const token = await tokenFor("dora");
    await new Promise((resolve) => setTimeout(resolve, 1100));
    t.clock.now = Date.now();
    await t.store.directory.setUserFlags("dora", { disabled: true });
    expect((await whoami(token)).body.error.code).toBe("user_disabled");
    await t.store.directory.setUserFlags("dora", { disabled: false });
    const r = await whoami(token);
    expect(r.status).toBe(401);
    expect(r.body.error.code).toBe("token_expired");
    t.clock.now = Date.now();
    expect((await whoami(await tokenFor("dora"))).status).toBe(200);
  });

  it("refuses the token of a deleted user, and of a key removed and added again", async () => {
    const gus = await tokenFor("gus");
    await t.store.directory.removeUser("gus");
    expect((await whoami(gus)).body.error.code).toBe("unknown_key");

    const kim = await tokenFor("kim");
    const fingerprint = parsePublicKey(pubs.kim!).fingerprintSha256;
    await t.store.directory.removeKey(fingerprint);
    await t.store.directory.addKey("kim", pubs.kim!);
    const r = await whoami(kim);
    expect(r.status).toBe(401);
    expect(r.body.error.code).toBe("unknown_key");
    expect((await whoami(await tokenFor("kim"))).status).toBe(200);
  });

  it("refuses a tampered token and one MACed with another secret or the crtauth secret itself", async () => {
    const token = await tokenFor("alice");
    const later = Buffer.from(token, "base64url");
    later[8]! ^= 0x40; // the low byte of expiresAt: 64 seconds more
    expect((await whoami(later.toString("base64url"))).body.error.code).toBe("bad_signature");
    const mac = Buffer.from(token, "base64url");
    mac[mac.length - 1]! ^= 0x01;
    expect((await whoami(mac.toString("base64url"))).body.error.code).toBe("bad_signature");

    const fields = {
      issuedAt: Math.floor(t.clock.now / 1000),
      expiresAt: Math.floor(t.clock.now / 1000) + 300,
      username: "alice",
      fingerprint: parsePublicKey(pubs.alice!).fingerprintSha256,
    };
    const keyId = (await t.store.directory.findKey(fields.fingerprint)).id;
    const [otherKey] = sshsigTokenKeys("another-secret");
    const other = await whoami(encodeSshsigToken({ ...fields, keyId }, otherKey!));
    expect(other.status).toBe(401);
    expect(other.body.error.code).toBe("bad_signature");
    // The raw crtauth secret, not the key derived from it for SSHSIG tokens.
    const underRaw = await whoami(encodeSshsigToken({ ...fields, keyId }, Buffer.from(SECRET)));
    expect(underRaw.body.error.code).toBe("bad_signature");
    // The same fields under the right key do verify: the refusals above are the MACs'.
    expect((await whoami(encodeSshsigToken({ ...fields, keyId }, sshsigTokenKeys(SECRET)[0]!))).status).toBe(200);
  });

  it("does not take a crtauth token as an SSHSIG token, nor the other way round", async () => {
    const crtauth = createToken({ username: "alice", secret: SECRET, now: () => t.clock.now }).text;
    const asSshsig = await whoami(crtauth);
    expect(asSshsig.status).toBe(400);
    expect(asSshsig.body.error.code).toBe("malformed_token");

    const token = await tokenFor("alice");
    const asChap = await call(`${t.url}/whoami`, { headers: { authorization: `chap:${token}` } });
    expect(asChap.status).toBe(401);
    expect(asChap.body.error.code).toBe("malformed_token");
  });

  it("exchanges only SSHSIG: no header, a token, a signature over another route, another method", async () => {
    const none = await exchange();
    expect(none.status).toBe(401);
    expect(none.body.error.code).toBe("missing_credentials");
    expect(none.headers.get("www-authenticate")).toMatch(/^SSHSIG realm="passport-sshkey", namespace="http@passport-sshkey", error="invalid_token"/);

    const token = await tokenFor("alice");
    const refreshed = await exchange(`SSHSIG-Token ${token}`);
    expect(refreshed.status).toBe(401);
    expect(refreshed.body.error.code).toBe("unsupported_scheme");

    const forWhoami = await exchange(sshsig("alice", { target: "/whoami" }));
    expect(forWhoami.status).toBe(401);
    expect(forWhoami.body.error.code).toBe("bad_signature");
    // A request signed for /whoami is not a token request either way.
    expect((await exchange(sshsig("alice", { method: "GET" }))).body.error.code).toBe("bad_signature");

    const get = await exchange(sshsig("alice", { method: "GET" }), "GET");
    expect(get.status).toBe(405);
    expect(get.headers.get("allow")).toBe("POST");

    const malformed = await exchange('SSHSIG username="alice"');
    expect(malformed.status).toBe(400);
  });
});

describe("hostile SSHSIG tokens", () => {
  let t: MemoryTestServer;
  let good: string;
  const keys = new KeyDir();

  beforeAll(async () => {
    t = await startTestServer("memory", { crtauth: { secret: SECRET } });
    await t.store.directory.addUser("alice");
    const pub = keys.sshKeygen("alice", "ed25519");
    const key = await t.store.directory.addKey("alice", pub);
    const nowS = Math.floor(t.clock.now / 1000);
    good = encodeSshsigToken(
      { issuedAt: nowS, expiresAt: nowS + 60, username: "alice", fingerprint: key.fingerprintSha256, keyId: key.id },
      sshsigTokenKeys(SECRET)[0]!,
    );
  }, 60_000);
  afterAll(async () => {
    await t.close();
    keys.cleanup();
  });

  const wrongVersion = () => {
    const bytes = Buffer.from(good, "base64url");
    bytes[0] = 2;
    return bytes.toString("base64url");
  };
  const cases: [string, () => string, number, string][] = [
    ["truncated", () => good.slice(0, -5), 400, "malformed_token"],
    ["cut to its version byte", () => good.slice(0, 2), 400, "malformed_token"],
    ["with a byte more", () => Buffer.concat([Buffer.from(good, "base64url"), Buffer.from([0])]).toString("base64url"), 400, "malformed_token"],
    ["oversized", () => "A".repeat(4000), 400, "malformed_token"],
    ["padded base64", () => `${good}=`, 400, "malformed_token"],
    ["with a character outside base64url", () => `${good.slice(0, 10)}+${good.slice(11)}`, 400, "malformed_token"],
    ["of another version", wrongVersion, 401, "unsupported_version"],
    ["of zero bytes", () => Buffer.alloc(60).toString("base64url"), 401, "unsupported_version"],
    ["a huge length field", () => Buffer.from([1, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff]).toString("base64url"), 400, "malformed_token"],
    ["with empty fields", () => Buffer.concat([Buffer.from([1]), Buffer.alloc(20), randomBytes(32)]).toString("base64url"), 400, "malformed_token"],
  ];

  it("the unharmed token works (the cases below differ from it only as named)", async () => {
    expect((await call(`${t.url}/whoami`, { headers: { authorization: `SSHSIG-Token ${good}` } })).status).toBe(200);
  });

  for (const [name, make, status, code] of cases) {
    it(`refuses a token ${name}: ${status} ${code}`, async () => {
      const r = await call(`${t.url}/whoami`, { headers: { authorization: `SSHSIG-Token ${make()}` } });
      expect(r.status).toBe(status);
      expect(r.body.error.code).toBe(code);
      // passport sets a challenge on 401s only.
      if (status === 401) expect(r.headers.get("www-authenticate")).toMatch(/^SSHSIG-Token realm=/);
    });
  }

  it("answers a token with a space or comma 400", async () => {
    expect((await call(`${t.url}/whoami`, { headers: { authorization: `SSHSIG-Token ${good} x` } })).status).toBe(400);
    expect((await call(`${t.url}/whoami`, { headers: { authorization: "SSHSIG-Token a,b" } })).status).toBe(400);
  });
});

describe("createSshsigTokenRouter and the sshsigToken options", () => {
  it("refuses a lifetime out of 1..3600 whole seconds, and a strategy without sshsig", () => {
    for (const lifetimeSeconds of [0, 3601, 1.5, Number.NaN]) {
      expect(() => new SshKeyStrategy({ store: createMemoryStore(), sshsigToken: { lifetimeSeconds } })).toThrow(/sshsigToken\.lifetimeSeconds/);
    }
    expect(() => new SshKeyStrategy({ store: createMemoryStore(), sshsigToken: { lifetime: 60 } as never })).toThrow(/unknown option "sshsigToken\.lifetime"/);
    const jwtOnly = new SshKeyStrategy({ store: createMemoryStore(), crtauth: { secret: SECRET }, schemes: ["jwt", "sshsigToken"] });
    expect(() => createSshsigTokenRouter({ strategy: jwtOnly })).toThrow(/enable the "sshsig" scheme/);
    expect(() => createSshsigTokenRouter({ strategy: {} as never })).toThrow(/must be an SshKeyStrategy/);
  });

  it("issues tokens for the configured lifetime, refused one second past it", async () => {
    const t = await startTestServer("memory", { crtauth: { secret: SECRET }, sshsigToken: { lifetimeSeconds: 30 } });
    const keys = new KeyDir();
    try {
      await t.store.directory.addUser("alice");
      await t.store.directory.addKey("alice", keys.sshKeygen("alice", "ed25519"));
      const header = sshsigHeader(keys, "alice", new URL(t.url).host, Math.floor(t.clock.now / 1000));
      const issued = await call(`${t.url}${TOKEN_PATH}`, { method: "POST", headers: { authorization: header } });
      expect(issued.body.expiresIn).toBe(30);
      const use = () => call(`${t.url}/whoami`, { headers: { authorization: `SSHSIG-Token ${issued.body.token}` } });
      t.clock.now = Date.parse(issued.body.expiresAt) - 1;
      expect((await use()).status).toBe(200);
      t.clock.now += 1;
      expect((await use()).body.error.code).toBe("token_expired");
    } finally {
      await t.close();
      keys.cleanup();
    }
  });
});

describe("the demo app's /_sshsig/token", () => {
  it("is mounted only when the strategy can mint tokens, and can be left out", async () => {
    const store = createMemoryStore();
    const listen = async (app: ReturnType<typeof createDemoApp>) => {
      const server = app.listen(0, "127.0.0.1");
      await new Promise((resolve) => server.once("listening", resolve));
      const { port } = server.address() as { port: number };
      const r = await fetch(`http://127.0.0.1:${port}${TOKEN_PATH}`, { method: "POST" });
      server.close();
      return r.status;
    };
    const saved = process.env.CRTAUTH_SECRET;
    delete process.env.CRTAUTH_SECRET;
    try {
      const withSecret = new SshKeyStrategy({ store, crtauth: { secret: SECRET } });
      const withoutSecret = new SshKeyStrategy({ store });
      expect(await listen(createDemoApp({ strategy: withSecret, admin: false }))).toBe(401);
      expect(await listen(createDemoApp({ strategy: withSecret, admin: false, sshsigToken: false }))).toBe(404);
      expect(await listen(createDemoApp({ strategy: withoutSecret, admin: false }))).toBe(404);
      expect(() => createDemoApp({ strategy: withoutSecret, admin: false, sshsigToken: true })).toThrow(/sshsigToken.*secret/);
    } finally {
      if (saved !== undefined) process.env.CRTAUTH_SECRET = saved;
      await store.close();
    }
  });
});

// The secret generated into the database by the first `serve` keys the tokens of both.
describe.each(databaseKinds)("two `serve` instances on %s", (kind) => {
  let db: TestDatabase;
  let a: Awaited<ReturnType<typeof startServe>>;
  let b: Awaited<ReturnType<typeof startServe>>;
  const keys = new KeyDir();
  let pub: string;

  beforeAll(async () => {
    db = await createTestDatabase(kind);
    pub = keys.sshKeygen("alice", "ed25519");
    await seedUser(db.url, "alice", pub);
    a = await startServe({ DATABASE_URL: db.url, CRTAUTH_SECRET: undefined });
    b = await startServe({ DATABASE_URL: db.url, CRTAUTH_SECRET: undefined });
  }, 90_000);
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await db?.drop();
    keys.cleanup();
  });

  const now = () => Math.floor(Date.now() / 1000);
  const exchange = (url: string, authorization: string) => call(`${url}${TOKEN_PATH}`, { method: "POST", headers: { authorization } });
  const whoami = (url: string, token: string) => call(`${url}/whoami`, { headers: { authorization: `SSHSIG-Token ${token}` } });

  it("a token from one instance works on the other; its SSHSIG is refused there; revocation stops it on both within a second", async () => {
    const header = sshsigHeader(keys, "alice", new URL(a.url).host, now());
    const issued = await exchange(a.url, header);
    expect(issued.status).toBe(200);
    const token: string = issued.body.token;
    expect((await whoami(a.url, token)).status).toBe(200);
    expect((await whoami(b.url, token)).body).toMatchObject({ username: "alice", scheme: "sshsig-token" });
    // The exchange was an ordinary SSHSIG request: accepted once.
    const again = await exchange(a.url, header);
    expect(again.body.error.code).toBe("replayed");

    const admin = await openPrismaStore({ url: db.url });
    await admin.directory.revokeKey(parsePublicKey(pub).fingerprintSha256, "token test");
    const revokedAt = Date.now();
    await admin.close();
    const refusedAfter = (url: string) => msUntilRefused(() => whoami(url, token), revokedAt, "key_revoked");
    const [ms1, ms2] = await Promise.all([refusedAfter(a.url), refusedAfter(b.url)]);
    expect(Math.max(ms1, ms2)).toBeLessThan(1000);
  });
});

// Asynchronous: the server runs in this process, so a synchronous curl would wait for it forever.
describe("the README's one-touch curl example", () => {
  it("runs as written against the demo app", async () => {
    const readme = fs.readFileSync(path.join(root, "README.md"), "utf8");
    const section = readme.slice(readme.indexOf("\n### One touch per session: `POST /_sshsig/token`\n"));
    const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1];
    expect(block).toBeDefined();
    const t = await startTestServer("memory", { crtauth: { secret: SECRET } });
    const keys = new KeyDir();
    try {
      await t.store.directory.addUser("alice");
      await t.store.directory.addKey("alice", keys.sshKeygen("id_ed25519", "ed25519"));
      t.clock.now = Date.now();
      const script = block!.replace(/^KEY=\S+/m, `KEY=${keys.path("id_ed25519")}`).replaceAll("127.0.0.1:3000", new URL(t.url).host);
      const { stdout } = await promisify(execFile)("bash", ["-c", `set -eo pipefail\n${script}`], { encoding: "utf8" });
      const replies = stdout
        .trim()
        .split("\n")
        .map((line) => JSON.parse(line));
      expect(replies).toEqual([
        { username: "alice", scheme: "sshsig-token", fingerprint: expect.stringMatching(/^SHA256:/) },
        { username: "alice", scheme: "sshsig-token", fingerprint: expect.stringMatching(/^SHA256:/) },
      ]);
    } finally {
      await t.close();
      keys.cleanup();
    }
  });
});
