// Requests signed by the independent `http-message-signatures` package with real ssh-keygen
// keys, verified by the rfc9421 scheme through the demo app on the memory store, SQLite and
// PostgreSQL: Ed25519, P-256, P-384 and RSA-2048, GET with a query and POST with a body.
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { databaseKinds, type DatabaseKind } from "../../support/databases.js";
import { writeFixtureKeyFile } from "../../support/fixture-keys.js";
import { loadPackageKey, packageSign, send, type PackageKey } from "../../support/rfc9421.js";
import { startTestServer, type TestServer } from "../../support/server.js";
import { keygenFingerprint, makeTmpDir, sshKeygen } from "../../support/ssh-keygen.js";
import type { SshKeyStore } from "../../../strategy/store/index.js";
import { readFileSync } from "node:fs";

const kinds = ["ed25519", "ecdsa256", "ecdsa384", "rsa2048"] as const;

describe.each<DatabaseKind | "memory">(["memory", ...databaseKinds])("RFC 9421 signed by http-message-signatures, on %s", (store) => {
  const tmp = makeTmpDir("rfc9421-interop-");
  const keys = {} as Record<(typeof kinds)[number], { key: PackageKey; keyid: string }>;
  let t: TestServer<SshKeyStore>;

  beforeAll(async () => {
    t = (await startTestServer(store as DatabaseKind, { exposeErrorCodes: true })) as TestServer<SshKeyStore>;
    await t.store.directory.addUser("alice");
    for (const kind of kinds) {
      const file = kind === "rsa2048" ? writeFixtureKeyFile("rsa2048-d", path.join(tmp.dir, kind), "rsa@test").key : sshKeygen(tmp.dir, kind, kind);
      await t.store.directory.addKey("alice", readFileSync(`${file}.pub`, "utf8"));
      keys[kind] = { key: loadPackageKey(file), keyid: keygenFingerprint(`${file}.pub`) };
    }
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    tmp.cleanup();
  });
  // http-message-signatures signs with the time it is given; the server's clock is the test's.
  beforeEach(() => {
    t.clock.now = Date.now();
  });
  const now = () => Math.floor(t.clock.now / 1000);

  for (const kind of kinds) {
    it(`${kind}: GET with a query, covering @method and @target-uri`, async () => {
      const { key, keyid } = keys[kind];
      const signed = await packageSign(key, { method: "GET", url: `${t.url}/whoami?page=2&q=a%20b`, headers: {} }, { created: now(), keyid });
      const r = await send(signed);
      expect([r.status, r.body]).toEqual([200, { username: "alice", scheme: "rfc9421", fingerprint: keyid }]);
    });

    it(`${kind}: POST with a body and Content-Digest, covering @method @authority @path @query`, async () => {
      const { key, keyid } = keys[kind];
      const body = JSON.stringify({ hello: "world", kind });
      const signed = await packageSign(
        key,
        { method: "POST", url: `${t.url}/whoami?x=1`, headers: { "Content-Type": "application/json" }, body },
        { created: now(), keyid, fields: ["@method", "@authority", "@path", "@query", "content-digest", "content-type"] },
      );
      const r = await send(signed);
      expect([r.status, r.body]).toEqual([200, { username: "alice", scheme: "rfc9421", fingerprint: keyid }]);
    });
  }

  it("accepts a (keyid, nonce) once: the same signed request again is a replay", async () => {
    const { key, keyid } = keys.ed25519;
    const signed = await packageSign(key, { method: "GET", url: `${t.url}/whoami`, headers: {} }, { created: now(), keyid });
    expect((await send(signed)).status).toBe(200);
    const again = await send(signed);
    expect([again.status, again.body.error.code]).toEqual([401, "replayed"]);
  });

  it("without alg, the key's type decides; a body of another digest is refused", async () => {
    const { key, keyid } = keys.ecdsa384;
    const ok = await packageSign(key, { method: "GET", url: `${t.url}/whoami`, headers: {} }, { created: now(), keyid, alg: null });
    expect((await send(ok)).status).toBe(200);
    const tampered = await packageSign(key, { method: "POST", url: `${t.url}/whoami`, headers: {}, body: "signed body" }, { created: now(), keyid });
    const r = await send({ ...tampered, body: "other body!" });
    expect([r.status, r.body.error.code]).toEqual([401, "digest_mismatch"]);
  });
});
