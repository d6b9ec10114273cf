// The client library against the server's rfc9421 scheme: sshkeyFetch and rfc9421Headers sent
// to the demo app (memory store), GET with a query and POST with a body, key files and an
// ssh-agent's keys tried in turn; what the server refuses, and that it names what it requires.
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { keyFitsScheme, loadKeyFileSigner, openAgentKeyring, rfc9421Headers, sshkeyFetch, tryKeysInTurn } from "../../strategy/client/index.js";
import { writeFixtureKeyFile } from "../support/fixture-keys.js";
import { startTestServer, type MemoryTestServer } from "../support/server.js";
import { keygenFingerprint, makeTmpDir, sshKeygen, startAgent, type RunningAgent } from "../support/ssh-keygen.js";
import { readText } from "./helpers.js";

const tmp = makeTmpDir("client-rfc9421-server-");
const kinds = ["ed25519", "ecdsa256", "ecdsa384", "rsa"] as const;
const file = {} as Record<(typeof kinds)[number] | "stranger", string>;
const fp = {} as Record<keyof typeof file, string>;
let agent: RunningAgent;
let t: MemoryTestServer;

beforeAll(async () => {
  for (const kind of kinds)
    file[kind] = kind === "rsa" ? writeFixtureKeyFile("rsa2048-h", path.join(tmp.dir, "id_rsa"), "rsa@test").key : sshKeygen(tmp.dir, `id_${kind}`, kind);
  file.stranger = sshKeygen(tmp.dir, "id_stranger", "ecdsa256");
  for (const name of Object.keys(file) as (keyof typeof file)[]) fp[name] = keygenFingerprint(`${file[name]}.pub`);
  agent = await startAgent(tmp.dir);
  for (const name of ["stranger", "ecdsa384"] as const) agent.add(file[name]);
  t = await startTestServer("memory", { exposeErrorCodes: true });
  await t.store.directory.addUser("alice");
  for (const kind of kinds) await t.store.directory.addKey("alice", readText(`${file[kind]}.pub`));
}, 60_000);

// The client signs with the wall clock.
beforeEach(() => {
  t.clock.now = Date.now();
});

afterAll(async () => {
  await t?.close();
  await agent?.stop();
  tmp.cleanup();
});

describe("sshkeyFetch with scheme rfc9421", () => {
  it.each(kinds)("%s key file: GET with a query and POST with a body, 200 as alice", async (kind) => {
    const signer = await loadKeyFileSigner(file[kind]);
    try {
      const get = await sshkeyFetch(`${t.url}/whoami?colour=blue&n=1`, {}, { scheme: "rfc9421", signer });
      expect(get.status).toBe(200);
      expect(await get.json()).toEqual({ username: "alice", scheme: "rfc9421", fingerprint: fp[kind] });
      const post = await sshkeyFetch(
        `${t.url}/whoami`,
        { method: "POST", body: '{"a":1}', headers: { "content-type": "application/json" } },
        { scheme: "rfc9421", signer },
      );
      expect(post.status).toBe(200);
      expect(await post.json()).toMatchObject({ username: "alice", scheme: "rfc9421" });
    } finally {
      signer.close();
    }
  });

  it("the agent's keys in turn: the stranger is refused, the next key signs", async () => {
    const ring = await openAgentKeyring({ socketPath: agent.socketPath });
    try {
      const refused: string[] = [];
      const { result, signer } = await tryKeysInTurn(
        ring.keys.filter((key) => keyFitsScheme(key, "rfc9421")).map((key) => ring.signerFor(key)),
        (candidate) => sshkeyFetch(`${t.url}/whoami`, { method: "PUT", body: "x" }, { scheme: "rfc9421", signer: candidate, rfc9421: { label: "mine" } }),
        { response: (r) => r, onRefused: (s, code) => refused.push(`${s.publicKey.fingerprintSha256} ${code}`) },
      );
      expect(result.status).toBe(200);
      expect(signer.publicKey.fingerprintSha256).toBe(fp.ecdsa384);
      expect(refused).toEqual([`${fp.stranger} unknown_key`]);
    } finally {
      ring.close();
    }
  });

  it("the same signed headers twice: replayed; a body other than the signed one: refused", async () => {
    const signer = await loadKeyFileSigner(file.ed25519);
    try {
      const url = `${t.url}/whoami`;
      const headers = await rfc9421Headers({ signer, method: "POST", url, body: "signed" });
      expect((await fetch(url, { method: "POST", body: "signed", headers: { ...headers } })).status).toBe(200);
      const again = await fetch(url, { method: "POST", body: "signed", headers: { ...headers } });
      expect(again.status).toBe(401);
      expect(((await again.json()) as { error: { code: string } }).error.code).toBe("replayed");
      const fresh = await rfc9421Headers({ signer, method: "POST", url, body: "signed" });
      const other = await fetch(url, { method: "POST", body: "other", headers: { ...fresh } });
      expect(other.status).toBe(401);
      expect(((await other.json()) as { error: { code: string } }).error.code).toBe("digest_mismatch");
    } finally {
      signer.close();
    }
  });

  it("an unsigned request's 401 says what to sign (Accept-Signature)", async () => {
    const r = await fetch(`${t.url}/whoami`);
    expect(r.status).toBe(401);
    expect(r.headers.get("accept-signature")).toMatch(/"@method"/);
  });
});
