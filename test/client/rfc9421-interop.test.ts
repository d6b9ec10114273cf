// Requests signed by rfc9421Headers, checked by an independent RFC 9421 implementation
// (test/support/rfc9421-verifier.ts: `http-message-signatures` with node:crypto verifiers from
// ssh-keygen's export of each key). Signed with key files and with a real ssh-agent holding
// several keys, which must sign with the key asked for; the Content-Digest is recomputed here.
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { agentSigner, loadKeyFileSigner, openAgentKeyring, rfc9421Headers, type Signer } from "../../strategy/client/index.js";
import { writeFixtureKeyFile } from "../support/fixture-keys.js";
import { sha256ContentDigest, thirdPartyVerifies } from "../support/rfc9421-verifier.js";
import { keygenFingerprint, makeTmpDir, sshKeygen, startAgent, type RunningAgent } from "../support/ssh-keygen.js";

const kinds = ["ed25519", "ecdsa256", "ecdsa384", "rsa"] as const;
type Kind = (typeof kinds)[number];
const algOf: Record<Kind, string> = { ed25519: "ed25519", ecdsa256: "ecdsa-p256-sha256", ecdsa384: "ecdsa-p384-sha384", rsa: "rsa-v1_5-sha256" };

const tmp = makeTmpDir("client-rfc9421-");
const file = {} as Record<Kind | "stranger" | "ecdsa521", string>;
const fingerprint = {} as Record<keyof typeof file, string>;
let agent: RunningAgent;

beforeAll(async () => {
  for (const kind of kinds) {
    // A fixture RSA-2048 key: ssh-keygen takes up to a second per RSA key.
    file[kind] = kind === "rsa" ? writeFixtureKeyFile("rsa2048-e", path.join(tmp.dir, "id_rsa"), "rsa@test").key : sshKeygen(tmp.dir, `id_${kind}`, kind);
  }
  file.stranger = sshKeygen(tmp.dir, "id_stranger", "ed25519");
  file.ecdsa521 = sshKeygen(tmp.dir, "id_ecdsa521", "ecdsa521");
  for (const name of Object.keys(file) as (keyof typeof file)[]) fingerprint[name] = keygenFingerprint(`${file[name]}.pub`);
  agent = await startAgent(tmp.dir);
  // Several keys, in an order unlike the tests': the agent must sign with the one asked for.
  for (const name of ["stranger", "rsa", "ecdsa384", "ed25519", "ecdsa521", "ecdsa256"] as const) agent.add(file[name]);
}, 60_000);

afterAll(async () => {
  await agent?.stop();
  tmp.cleanup();
});

/** The two requests the issue names: a GET with a query and a POST with a body. */
const requests = [
  { name: "GET with a query", method: "GET", url: "http://127.0.0.1:3000/things?colour=blue&size=2", body: undefined },
  { name: "POST with a body", method: "POST", url: "https://api.example.com:8443/things", body: '{"name":"café"}' },
] as const;

async function signAndCheck(kind: Kind, signer: Signer, request: (typeof requests)[number]): Promise<void> {
  const pub = `${file[kind]}.pub`;
  const headers = await rfc9421Headers({ signer, method: request.method, url: request.url, body: request.body });
  const input = headers["signature-input"];
  expect(input).toMatch(new RegExp(`^sig1=\\("@method" "@target-uri"${request.body === undefined ? "" : ' "content-digest"'}\\);`));
  expect(input).toContain(`;keyid="${fingerprint[kind]}"`);
  expect(input).toContain(`;alg="${algOf[kind]}"`);
  expect(input).toMatch(/;created=\d+/);
  expect(input).toMatch(/;nonce="[A-Za-z0-9_-]{22}"/);
  if (request.body === undefined) expect(headers).not.toHaveProperty("content-digest");
  else expect(headers["content-digest"]).toBe(sha256ContentDigest(request.body));
  const signed = { method: request.method, url: request.url, headers: { ...headers } };
  expect(await thirdPartyVerifies(pub, signed)).toBe(true);
  // The verifier checks what it says it does: another method, URL or digest does not verify.
  expect(await thirdPartyVerifies(pub, { ...signed, method: "DELETE" })).toBe(false);
  expect(await thirdPartyVerifies(pub, { ...signed, url: `${request.url}&x=1` })).toBe(false);
  if (request.body !== undefined)
    expect(await thirdPartyVerifies(pub, { ...signed, headers: { ...headers, "content-digest": sha256ContentDigest("other") } })).toBe(false);
}

describe("rfc9421Headers, verified by http-message-signatures", () => {
  describe.each(requests)("$name", (request) => {
    it.each(kinds)("key file: %s", async (kind) => {
      const signer = await loadKeyFileSigner(file[kind]);
      try {
        await signAndCheck(kind, signer, request);
      } finally {
        signer.close();
      }
    });

    it.each(kinds)("ssh-agent holding six keys: %s, picked by fingerprint", async (kind) => {
      const signer = await agentSigner({ socketPath: agent.socketPath, fingerprint: fingerprint[kind] });
      try {
        await signAndCheck(kind, signer, request);
      } finally {
        signer.close();
      }
    });
  });

  // The agent answers mpint r, mpint s: a value below 2^(8·(n−1)) is shorter than the curve's
  // n bytes and must be left-padded. About one signature in 128 has such an r or s; of 1024, all but surely some do.
  it.each(["ecdsa256", "ecdsa384"] as const)("%s through the agent: r and s shorter than the curve are padded to fixed length", async (kind) => {
    const signer = await agentSigner({ socketPath: agent.socketPath, fingerprint: fingerprint[kind] });
    const half = kind === "ecdsa256" ? 32 : 48;
    let short = 0;
    try {
      for (let i = 0; i < 1024; i++) {
        const url = `http://127.0.0.1:3000/n/${i}`;
        const headers = await rfc9421Headers({ signer, method: "GET", url });
        const signature = Buffer.from(/^sig1=:([^:]+):$/.exec(headers.signature)![1]!, "base64");
        expect(signature).toHaveLength(2 * half);
        if (signature[0] === 0 || signature[half] === 0) {
          short++;
          expect(await thirdPartyVerifies(`${file[kind]}.pub`, { method: "GET", url, headers: { ...headers } })).toBe(true);
        }
      }
    } finally {
      signer.close();
    }
    expect(short).toBeGreaterThan(0);
  });

  it("signs with each agent key of one keyring connection in turn (RSA through rsa-sha2-256)", async () => {
    const keyring = await openAgentKeyring({ socketPath: agent.socketPath });
    try {
      for (const kind of kinds) {
        const key = keyring.keys.find((k) => k.fingerprintSha256 === fingerprint[kind]);
        expect(key, kind).toBeDefined();
        await signAndCheck(kind, keyring.signerFor(key!), requests[1]);
      }
    } finally {
      keyring.close();
    }
  });
});
