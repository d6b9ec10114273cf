// Security keys (sk-*) signing SSHSIG requests over HTTP, on the memory store and on every
// database: user presence and verification, the signature counter and its alarm, hostile
// signatures, and the other schemes refusing sk keys. Every signature the software
// authenticator makes is first accepted by the real `ssh-keygen -Y verify`.
import crypto from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authorizationFor } from "../../../strategy/client/index.js";
import { parsePublicKey, publicKeyFromKeyObject } from "../../../strategy/keys/index.js";
import { sshString, sshUint32 } from "../../../strategy/keys/wire.js";
import type { AuthEventEntry } from "../../../strategy/store/index.js";
import { openPrismaStore } from "../../../strategy/store/prisma/store.js";
import { rawRequest } from "../../hostile/support.js";
import { startServe } from "../../support/cli.js";
import { createTestDatabase, databaseKinds, type TestDatabase } from "../../support/databases.js";
import { lastEventCode } from "../../support/events.js";
import { startTestServer, type MemoryTestServer, type TestServerOptions } from "../../support/server.js";
import { fidoAuthorization, softwareFidoKey, userPresent, userVerified, type FidoSignOptions, type SoftwareFidoKey } from "../../support/software-fido.js";
import { jwtFor } from "../../support/tokens.js";

const kinds = ["ed25519", "ecdsa"] as const;

interface Reply {
  status: number;
  body: { username?: string; scheme?: string; error?: { code: string; message: string } };
  challenge: string | null;
}

async function server(kind: "memory" | (typeof databaseKinds)[number], options: TestServerOptions = {}): Promise<MemoryTestServer> {
  const merged = { exposeErrorCodes: true, ...options };
  return kind === "memory" ? startTestServer("memory", merged) : ((await startTestServer(kind, merged)) as unknown as MemoryTestServer);
}

/** GET /whoami on a connection of its own (many at once never meet a keep-alive connection the server is closing). */
async function get(url: string, authorization: string): Promise<Reply> {
  const r = await rawRequest(url, { path: "/whoami", headers: [["Authorization", authorization]] });
  return { status: r.status, body: r.json as Reply["body"], challenge: r.headers["www-authenticate"] ?? null };
}

/** A client of one test server: enrols security keys and signs requests with them. */
function clientOf(t: MemoryTestServer) {
  const host = new URL(t.url).host;
  let users = 0;
  return {
    /** A new user holding one new security key, added as `options` + its .pub line. */
    async enrol(kind: (typeof kinds)[number], options = "", application = "ssh:") {
      const username = `fido${++users}`;
      const fido = softwareFidoKey(kind, application);
      await t.store.directory.addUser(username);
      const record = await t.store.directory.addKey(username, `${options ? `${options} ` : ""}${fido.publicLine}`);
      return { username, fido, keyId: record.id };
    },
    /** The Authorization header for GET /whoami signed by `fido` (proved by ssh-keygen first). */
    authorization: (username: string, fido: SoftwareFidoKey, options: Omit<FidoSignOptions, "namespace"> = {}) =>
      fidoAuthorization(fido, { username, host, time: Math.floor(t.clock.now / 1000), ...options }),
    /** The same, with the signature blob rewritten by `tamper` (not proved: it is meant to be refused). */
    tampered: (username: string, fido: SoftwareFidoKey, tamper: (blob: Buffer) => Buffer) =>
      fidoAuthorization(fido, { username, host, time: Math.floor(t.clock.now / 1000) }, tamper),
    get: (authorization: string) => get(t.url, authorization),
    async events(keyId: string): Promise<AuthEventEntry[]> {
      await t.store.events.flush();
      return (await t.store.eventLog.page({ keyId, limit: 100 })).items.reverse();
    },
  };
}

/** Splits an SSHSIG blob into its fields, rewrites the signature field, and joins it again. */
function withSignature(blob: Buffer, rewrite: (signature: Buffer) => Buffer): Buffer {
  const fields: Buffer[] = [];
  let at = 10;
  while (at < blob.length) {
    const length = blob.readUInt32BE(at);
    fields.push(blob.subarray(at + 4, at + 4 + length));
    at += 4 + length;
  }
  const [key, namespace, reserved, hash, signature] = fields as [Buffer, Buffer, Buffer, Buffer, Buffer];
  return Buffer.concat([blob.subarray(0, 10), sshString(key), sshString(namespace), sshString(reserved), sshString(hash), sshString(rewrite(signature))]);
}

describe.each(["memory", ...databaseKinds] as const)("security keys over SSHSIG on %s", (backend) => {
  let t: MemoryTestServer;
  let c: ReturnType<typeof clientOf>;
  beforeAll(async () => {
    t = await server(backend);
    c = clientOf(t);
  }, 60_000);
  afterAll(() => t.close());

  for (const kind of kinds) {
    it(`signs in with a ${kind} security key: one success event, the counter kept`, async () => {
      const { username, fido, keyId } = await c.enrol(kind);
      const r = await c.get(c.authorization(username, fido, { counter: 7 }));
      expect([r.status, r.body]).toMatchObject([200, { username, scheme: "sshsig" }]);
      expect((await t.store.directory.findKeyById(keyId)).signCounter).toBe(7);
      expect((await c.events(keyId)).map((e) => [e.outcome, e.errorCode])).toEqual([["success", null]]);
    });

    it(`${kind}: a signature without user presence is refused, naming it, unless the key was added no-touch-required`, async () => {
      const strict = await c.enrol(kind);
      const r = await c.get(c.authorization(strict.username, strict.fido, { flags: 0 }));
      expect([r.status, r.body.error?.code]).toEqual([401, "user_presence_required"]);
      expect(r.challenge).toMatch(/^SSHSIG .*error="invalid_token", error_description="[^"]*user presence/);
      expect(await lastEventCode(t.store)).toBe("user_presence_required");

      const relaxed = await c.enrol(kind, "no-touch-required");
      expect((await t.store.directory.findKeyById(relaxed.keyId)).touchRequired).toBe(false);
      expect((await c.get(c.authorization(relaxed.username, relaxed.fido, { flags: 0 }))).status).toBe(200);
    });

    it(`${kind}: a verify-required key needs the user-verified flag`, async () => {
      const { username, fido, keyId } = await c.enrol(kind, "verify-required");
      expect((await t.store.directory.findKeyById(keyId)).verifyRequired).toBe(true);
      const r = await c.get(c.authorization(username, fido, { flags: userPresent }));
      expect([r.status, r.body.error?.code]).toEqual([401, "user_verification_required"]);
      expect(r.challenge).toMatch(/user verification/);
      expect((await c.get(c.authorization(username, fido, { flags: userPresent | userVerified }))).status).toBe(200);
    });
  }

  it("a user whose policy requires user verification needs the flag on every security key", async () => {
    const { username, fido } = await c.enrol("ed25519");
    expect((await c.get(c.authorization(username, fido))).status).toBe(200);
    const user = await t.store.directory.setUserFlags(username, { requireUserVerification: true });
    expect(user.requireUserVerification).toBe(true);
    expect((await c.get(c.authorization(username, fido))).body.error?.code).toBe("user_verification_required");
    expect((await c.get(c.authorization(username, fido, { flags: userPresent | userVerified }))).status).toBe(200);
  });

  it("a counter that goes backwards is an alarm event beside the login's one success event", async () => {
    const { username, fido, keyId } = await c.enrol("ecdsa");
    expect((await c.get(c.authorization(username, fido, { counter: 10 }))).status).toBe(200);
    expect((await c.get(c.authorization(username, fido, { counter: 11 }))).status).toBe(200);
    expect((await c.get(c.authorization(username, fido, { counter: 11 }))).status).toBe(200);
    expect((await c.get(c.authorization(username, fido, { counter: 3 }))).status).toBe(200);
    expect((await t.store.directory.findKeyById(keyId)).signCounter).toBe(11);
    expect((await c.events(keyId)).map((e) => [e.outcome, e.errorCode])).toEqual([
      ["success", null],
      ["success", null],
      ["alarm", "sign_counter_regressed"],
      ["success", null],
      ["alarm", "sign_counter_regressed"],
      ["success", null],
    ]);
  });

  it("a key without a counter (always 0) raises no alarm", async () => {
    const { username, fido, keyId } = await c.enrol("ed25519");
    for (let i = 0; i < 3; i++) expect((await c.get(c.authorization(username, fido, { counter: 0 }))).status).toBe(200);
    expect((await t.store.directory.findKeyById(keyId)).signCounter).toBe(0);
    expect((await c.events(keyId)).every((e) => e.outcome === "success")).toBe(true);
    // Once it counted, a 0 is a regression like any other.
    expect((await c.get(c.authorization(username, fido, { counter: 5 }))).status).toBe(200);
    await c.get(c.authorization(username, fido, { counter: 0 }));
    expect((await c.events(keyId)).at(-2)?.outcome).toBe("alarm");
  });

  it("keeps the largest counter of concurrent sign-ins", async () => {
    const { username, fido, keyId } = await c.enrol("ed25519");
    const counters = [...Array(24).keys()].map((i) => i + 1).sort(() => Math.random() - 0.5);
    const headers = counters.map((counter) => c.authorization(username, fido, { counter }));
    const replies = await Promise.all(headers.map((h) => c.get(h)));
    expect(replies.every((r) => r.status === 200)).toBe(true);
    expect((await t.store.directory.findKeyById(keyId)).signCounter).toBe(24);
  });

  it("accepts a web-origin key like an ssh: one", async () => {
    const { username, fido, keyId } = await c.enrol("ecdsa", "", "https://login.example.com");
    expect((await c.get(c.authorization(username, fido))).status).toBe(200);
    const record = await t.store.directory.findKeyById(keyId);
    expect(parsePublicKey(record.openssh).securityKey?.application).toBe("https://login.example.com");
  });

  it("refuses hostile security-key signatures with 400 or 401, never 500", async () => {
    const { username, fido } = await c.enrol("ed25519");
    const other = await c.enrol("ecdsa");
    const cases: [string, (blob: Buffer) => Buffer, number][] = [
      ["flags and counter cut short", (b) => withSignature(b, (s) => s.subarray(0, s.length - 1)), 400],
      ["no flags and counter", (b) => withSignature(b, (s) => s.subarray(0, s.length - 5)), 400],
      ["a byte too many after the counter", (b) => withSignature(b, (s) => Buffer.concat([s, Buffer.of(1)])), 400],
      [
        "plain signature type for an sk key",
        (b) => withSignature(b, (s) => Buffer.concat([sshString("ssh-ed25519"), s.subarray(sshString("sk-ssh-ed25519@openssh.com").length)])),
        400,
      ],
      [
        "ECDSA sk signature type for an Ed25519 sk key",
        (b) =>
          withSignature(b, (s) => Buffer.concat([sshString("sk-ecdsa-sha2-nistp256@openssh.com"), s.subarray(sshString("sk-ssh-ed25519@openssh.com").length)])),
        400,
      ],
      [
        "flags changed after signing",
        (b) => withSignature(b, (s) => Buffer.concat([s.subarray(0, s.length - 5), Buffer.of(0x05), s.subarray(s.length - 4)])),
        401,
      ],
      ["counter changed after signing", (b) => withSignature(b, (s) => Buffer.concat([s.subarray(0, s.length - 4), sshUint32(99)])), 401],
      ["truncated blob", (b) => b.subarray(0, b.length - 3), 400],
    ];
    for (const [name, tamper, status] of cases) {
      const r = await c.get(c.tampered(username, fido, tamper));
      expect(r.status, name).toBe(status);
      expect(r.body.error?.code, name).toMatch(status === 400 ? /^malformed_token$/ : /^(bad_signature|invalid_credentials)$/);
    }
    // The ECDSA key's signature sent in the Ed25519 key's name: the named key does not verify it.
    const swapped = c.tampered(other.username, other.fido, (b) => b);
    expect((await c.get(swapped.replace(`username="${other.username}"`, `username="${username}"`))).status).toBe(401);
  });

  it("the other schemes never take a security key for a plain one (401, not 500)", async () => {
    const { username, fido } = await c.enrol("ed25519");
    const now = Math.floor(t.clock.now / 1000);
    const plainKid = crypto
      .createHash("sha256")
      .update(crypto.createPublicKey(fido.privateKey).export({ type: "spki", format: "pem" }))
      .digest("hex");
    const skKid = parsePublicKey(fido.publicLine).kid;
    for (const kid of [undefined, plainKid, skKid]) {
      const r = await c.get(jwtFor(username, fido.privateKey, { time: now, kid }));
      expect([r.status, r.body.error?.code], String(kid)).toEqual([401, "unknown_key"]);
    }
    // sshauth names the key by fingerprint: that of the sk key finds it, and it is no sshauth key.
    const plain = publicKeyFromKeyObject(fido.privateKey);
    const signer = {
      publicKey: { ...plain, fingerprintSha256: parsePublicKey(fido.publicLine).fingerprintSha256 },
      sign: async (data: Buffer) => crypto.sign(null, data, fido.privateKey),
      close: () => {},
    };
    const authorization = await authorizationFor(
      { scheme: "sshauth", signer, username, now: () => t.clock.now, sshauth: { includeFingerprint: true } },
      { url: new URL("/whoami", t.url), method: "GET" },
    );
    const r = await c.get(authorization);
    expect([r.status, r.body.error?.code]).toEqual([401, "unknown_key"]);
  });
});

describe.each(["memory", ...databaseKinds] as const)("the deployment's security-key policy on %s", (backend) => {
  let t: MemoryTestServer;
  let c: ReturnType<typeof clientOf>;
  beforeAll(async () => {
    t = await server(backend, { sshsig: { requireUserVerification: true, signCounterRegression: "refuse" } });
    c = clientOf(t);
  }, 60_000);
  afterAll(() => t.close());

  it("sshsig.requireUserVerification asks every security key for the user-verified flag", async () => {
    const { username, fido } = await c.enrol("ecdsa");
    expect((await c.get(c.authorization(username, fido))).body.error?.code).toBe("user_verification_required");
    expect((await c.get(c.authorization(username, fido, { flags: userPresent | userVerified }))).status).toBe(200);
  });

  it('sshsig.signCounterRegression "refuse" refuses a counter that went backwards, and still records the alarm', async () => {
    const { username, fido, keyId } = await c.enrol("ed25519");
    const flags = userPresent | userVerified;
    expect((await c.get(c.authorization(username, fido, { flags, counter: 20 }))).status).toBe(200);
    const r = await c.get(c.authorization(username, fido, { flags, counter: 19 }));
    expect([r.status, r.body.error?.code]).toEqual([401, "sign_counter_regressed"]);
    expect((await c.events(keyId)).map((e) => [e.outcome, e.errorCode])).toEqual([
      ["success", null],
      ["alarm", "sign_counter_regressed"],
      ["failure", "sign_counter_regressed"],
    ]);
    expect((await c.get(c.authorization(username, fido, { flags, counter: 21 }))).status).toBe(200);
  });
});

describe.each(databaseKinds)("two serve processes on one %s database", (kind) => {
  let db: TestDatabase;
  let instances: Awaited<ReturnType<typeof startServe>>[];
  const fido = softwareFidoKey("ecdsa");
  let keyId: string;
  beforeAll(async () => {
    db = await createTestDatabase(kind);
    const store = await openPrismaStore({ url: db.url });
    await store.directory.addUser("carol");
    keyId = (await store.directory.addKey("carol", fido.publicLine)).id;
    await store.close();
    instances = await Promise.all([startServe({ DATABASE_URL: db.url }), startServe({ DATABASE_URL: db.url })]);
  }, 90_000);
  afterAll(async () => {
    await Promise.all(instances.map((i) => i.stop()));
    await db.drop();
  });

  it("keep the largest counter of sign-ins racing on both", async () => {
    const counters = [...Array(40).keys()].map((i) => i + 1).sort(() => Math.random() - 0.5);
    const requests = counters.map((counter, i) => {
      const url = instances[i % 2]!.url;
      const authorization = fidoAuthorization(fido, { username: "carol", host: new URL(url).host, counter });
      return () => get(url, authorization);
    });
    const replies = await Promise.all(requests.map((send) => send()));
    expect(replies.map((r) => r.status)).toEqual(Array(40).fill(200));
    const store = await openPrismaStore({ url: db.url });
    try {
      expect((await store.directory.findKeyById(keyId)).signCounter).toBe(40);
      // Every accepted counter was larger than every one stored before it: the alarms are exactly the others.
      // The instances write their events in batches: wait for all 40.
      let events: AuthEventEntry[] = [];
      for (const deadline = Date.now() + 15_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 200))) {
        events = (await store.eventLog.page({ keyId, limit: 200 })).items;
        if (events.filter((e) => e.outcome === "success").length === 40) break;
      }
      expect(events.filter((e) => e.outcome === "success")).toHaveLength(40);
      expect(events.filter((e) => e.outcome === "alarm").length).toBeGreaterThan(0);
    } finally {
      await store.close();
    }
  }, 60_000);
});
