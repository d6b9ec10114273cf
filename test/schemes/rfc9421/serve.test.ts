// The "done when": a key registered through the CLI, `passport-sshkey serve` (the demo
// server with its default schemes), and a request signed by the third-party
// http-message-signatures package gets 200; a 401 says in Accept-Signature what to sign.
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli, startServe } from "../../support/cli.js";
import { createTestDatabase, type TestDatabase } from "../../support/databases.js";
import { loadPackageKey, packageSign, send } from "../../support/rfc9421.js";
import { keygenFingerprint, makeTmpDir, sshKeygen } from "../../support/ssh-keygen.js";

describe("RFC 9421 against passport-sshkey serve", () => {
  const tmp = makeTmpDir("rfc9421-serve-");
  let db: TestDatabase;
  let server: Awaited<ReturnType<typeof startServe>>;
  let env: Record<string, string>;

  beforeAll(async () => {
    db = await createTestDatabase("sqlite");
    env = { DATABASE_URL: db.url, CRTAUTH_SECRET: "rfc9421-serve-test" };
    expect((await runCli(["users", "add", "alice"], { env })).code).toBe(0);
    sshKeygen(tmp.dir, "id_ecdsa", "ecdsa256");
    expect((await runCli(["keys", "add", "alice", path.join(tmp.dir, "id_ecdsa.pub")], { env })).code).toBe(0);
    server = await startServe(env);
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
    await db?.drop();
    tmp.cleanup();
  });

  it("lets in a request signed by http-message-signatures with the CLI-registered key", async () => {
    const file = path.join(tmp.dir, "id_ecdsa");
    const keyid = keygenFingerprint(`${file}.pub`);
    const body = JSON.stringify({ order: 42 });
    const signed = await packageSign(
      loadPackageKey(file),
      { method: "POST", url: `${server.url}/whoami?via=serve`, headers: { "Content-Type": "application/json" }, body },
      { created: Math.floor(Date.now() / 1000), keyid },
    );
    const r = await send(signed);
    expect([r.status, r.body]).toEqual([200, { username: "alice", scheme: "rfc9421", fingerprint: keyid }]);
  });

  it("answers an unsigned request 401 with Accept-Signature", async () => {
    const r = await send({ method: "GET", url: `${server.url}/whoami`, headers: {} });
    expect(r.status).toBe(401);
    expect(r.headers.get("accept-signature")).toBe('sig1=("@method" "@target-uri");created;nonce;keyid');
  });
});
