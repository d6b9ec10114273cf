// The SSHSIG client (sshsigAuthorization, authorizationFor/sshkeyFetch with scheme "sshsig")
// against the demo app, signed by key files and by a real ssh-agent holding several keys; the
// headers it makes are also checked by the real `ssh-keygen -Y verify`, certificates included.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  agentSigner,
  authorizationFor,
  loadKeyFileSigner,
  openAgentKeyring,
  sshkeyFetch,
  sshsigAuthorization,
  tryKeysInTurn,
  withCertificate,
  type Signer,
} from "../../strategy/client/index.js";
import { decodeSshsigBlob } from "../../strategy/schemes/sshsig/blob.js";
import { writeFixtureKeyFile } from "../support/fixture-keys.js";
import { startTestServer, type MemoryTestServer } from "../support/server.js";
import { keygenFingerprint, makeTmpDir, sshKeygen, startAgent, sshKeygenVerify, type KeyKind, type RunningAgent } from "../support/ssh-keygen.js";
import { readText } from "./helpers.js";

const NS = "http@passport-sshkey";
const NONCE = "nonce-0123456789abcdef";
const tmp = makeTmpDir("client-sshsig-");
const kinds = ["ed25519", "ecdsa256", "ecdsa384", "ecdsa521", "rsa"] as const satisfies readonly KeyKind[];
const file = {} as Record<(typeof kinds)[number] | "stranger" | "ca", string>;
const fp = {} as Record<keyof typeof file, string>;
let agent: RunningAgent;
let t: MemoryTestServer;

beforeAll(async () => {
  for (const kind of kinds) {
    // A fixture RSA key: ssh-keygen takes up to a second per RSA key.
    file[kind] = kind === "rsa" ? writeFixtureKeyFile("rsa2048-c", path.join(tmp.dir, "id_rsa"), "rsa@test").key : sshKeygen(tmp.dir, `id_${kind}`, kind);
  }
  file.stranger = sshKeygen(tmp.dir, "id_stranger", "ed25519");
  file.ca = sshKeygen(tmp.dir, "ca", "ed25519");
  for (const name of Object.keys(file) as (keyof typeof file)[]) fp[name] = keygenFingerprint(`${file[name]}.pub`);
  agent = await startAgent(tmp.dir);
  // The agent's order is the order of adding: keys the server does not know come first.
  for (const name of ["stranger", "ecdsa256", "ed25519", "rsa"] as const) agent.add(file[name]);

  t = await startTestServer("memory", { exposeErrorCodes: true });
  await t.store.directory.addUser("alice");
  for (const kind of kinds) if (kind !== "ed25519") await t.store.directory.addKey("alice", readText(`${file[kind]}.pub`));
  await t.store.directory.addUser("bob");
  await t.store.directory.addKey("bob", readText(`${file.ed25519}.pub`));
}, 60_000);

afterAll(async () => {
  await t?.close();
  await agent?.stop();
  tmp.cleanup();
});

let offset = 0;
/** A later test-clock instant each call: (username, time, nonce) is accepted once. */
const later = () => () => t.clock.now + ++offset * 1000;

async function whoami(authorization: string, init: RequestInit = {}, pathname = "/whoami") {
  const r = await fetch(new URL(pathname, t.url), { ...init, headers: { authorization, ...(init.headers as Record<string, string>) } });
  return { status: r.status, body: (await r.json()) as { fingerprint?: string; scheme?: string; username?: string; error?: { code: string } } };
}

function signatureOf(header: string): Buffer {
  const match = /signature="([^"]+)"/.exec(header);
  expect(match, header).not.toBeNull();
  return Buffer.from(match![1]!, "base64");
}

/** The message, rebuilt here independently of strategy/schemes/sshsig/message.ts. */
function message(header: string, method: string, target: string, body = ""): string {
  const [, username, time, nonce] = /^SSHSIG username="([^"]+)", time="(\d+)", nonce="([^"]+)"/.exec(header)!;
  const host = new URL(t.url).host;
  return ["SSHSIG-HTTP-1", username, time, nonce, method, host, target, createHash("sha256").update(body).digest("base64")].join("\n");
}

/** `ssh-keygen -Y verify` of the header's signature over `signed`, for principal alice. */
const verify = (header: string, signed: string, allowedSigner: string) =>
  sshKeygenVerify(tmp.dir, { signature: signatureOf(header).toString("base64"), message: signed, principal: "alice", allowedSigner, namespace: NS });

describe("sshsigAuthorization with key files", () => {
  for (const kind of kinds.filter((k) => k !== "ed25519")) {
    it(`${kind}: the server accepts the header and the blob says sha512`, async () => {
      const signer = await loadKeyFileSigner(file[kind]);
      const header = await sshsigAuthorization({ signer, username: "alice", url: `${t.url}/whoami`, now: later() });
      expect(header).toMatch(/^SSHSIG username="alice", time="\d+", nonce="[A-Za-z0-9_-]{22}", signature="[A-Za-z0-9+/]+={0,2}"$/);
      const r = await whoami(header);
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      expect(r.body).toEqual({ username: "alice", scheme: "sshsig", fingerprint: fp[kind] });
      const blob = decodeSshsigBlob(signatureOf(header));
      expect(blob).toMatchObject({ namespace: NS, hashAlgorithm: "sha512", publicKey: signer.publicKey.blob });
      expect(blob.signatureType).toBe(kind === "rsa" ? "rsa-sha2-512" : signer.publicKey.type);
    });
  }

  it("binds the body: a POST verifies, the same header over another body does not", async () => {
    const signer = await loadKeyFileSigner(file.ecdsa256);
    const body = '{"amount":10}';
    const init = { method: "POST", body, headers: { "content-type": "application/json" } };
    const header = await sshsigAuthorization({ signer, username: "alice", url: `${t.url}/whoami`, method: "post", body, now: later() });
    const tampered = await whoami(header, { ...init, body: '{"amount":99}' });
    expect(tampered.status).toBe(401);
    expect(tampered.body.error?.code).toBe("bad_signature");
    expect((await whoami(header, init)).status).toBe(200);
  });

  it("signs the path and query as sent; ssh-keygen -Y verify accepts the same signature", async () => {
    const signer = await loadKeyFileSigner(file.ed25519);
    const header = await sshsigAuthorization({ signer, username: "bob", url: `${t.url}/whoami?x=1&y=%20`, now: later(), nonce: NONCE });
    expect(header).toContain(`nonce="${NONCE}"`);
    expect((await whoami(header, {}, "/whoami?x=1&y=%20")).status).toBe(200);
    const r = verify(header, message(header, "GET", "/whoami?x=1&y=%20"), readText(`${file.ed25519}.pub`).trim());
    expect(r.status, r.out).toBe(0);
    expect(r.out).toMatch(/Good "http@passport-sshkey" signature for alice/);
    expect(verify(header, message(header, "GET", "/whoami?x=2"), readText(`${file.ed25519}.pub`).trim()).status).not.toBe(0);
  });

  it("namespace and Host are the caller's to set; bad options are TypeErrors naming them", async () => {
    const signer = await loadKeyFileSigner(file.ed25519);
    const header = await sshsigAuthorization({ signer, username: "bob", url: `${t.url}/whoami`, namespace: "api@example.com", now: later() });
    expect(decodeSshsigBlob(signatureOf(header)).namespace).toBe("api@example.com");
    expect((await whoami(header)).body.error?.code).toBe("namespace_mismatch");
    const elsewhere = await sshsigAuthorization({ signer, username: "bob", url: `${t.url}/whoami`, host: "api.example.com", now: later() });
    expect((await whoami(elsewhere)).body.error?.code).toBe("bad_signature");
    await expect(sshsigAuthorization({ signer, username: "bob", url: t.url, nonce: "short" })).rejects.toThrow(/nonce/);
    await expect(sshsigAuthorization({ signer, username: "bo\nb", url: t.url })).rejects.toThrow(/username/);
    await expect(sshsigAuthorization({ signer, username: "bob", url: t.url, hash: "sha256" } as never)).rejects.toThrow(/hash/);
  });

  it("authorizationFor and sshkeyFetch speak sshsig", async () => {
    const signer = await loadKeyFileSigner(file.ecdsa384);
    const url = new URL("/whoami", t.url);
    const header = await authorizationFor({ scheme: "sshsig", signer, username: "alice", now: later() }, { url, method: "GET" });
    expect((await whoami(header)).body).toMatchObject({ scheme: "sshsig", fingerprint: fp.ecdsa384 });
    const r = await sshkeyFetch(url, { method: "PUT", body: "data" }, { scheme: "sshsig", signer, username: "alice", now: later() });
    expect(r.status).toBe(200);
    const refused = await sshkeyFetch(url, {}, { scheme: "sshsig", signer, username: "alice", now: later(), sshsig: { namespace: "other@x" } });
    expect(refused.status).toBe(401);
  });
});

describe("sshsig with the ssh-agent", () => {
  it("each agent key type signs; RSA as rsa-sha2-512", async () => {
    for (const kind of ["ecdsa256", "rsa"] as const) {
      const signer = await agentSigner({ socketPath: agent.socketPath, fingerprint: fp[kind] });
      try {
        const header = await sshsigAuthorization({ signer, username: "alice", url: `${t.url}/whoami`, now: later() });
        expect((await whoami(header)).body).toMatchObject({ scheme: "sshsig", fingerprint: fp[kind] });
        expect(decodeSshsigBlob(signatureOf(header)).signatureType).toBe(kind === "rsa" ? "rsa-sha2-512" : "ecdsa-sha2-nistp256");
      } finally {
        signer.close();
      }
    }
  });

  it("with several keys, tryKeysInTurn passes over the ones the server refuses and the right one signs", async () => {
    const keyring = await openAgentKeyring({ socketPath: agent.socketPath });
    const refused: string[] = [];
    try {
      const { result, signer } = await tryKeysInTurn(
        keyring.keys.map((key) => keyring.signerFor(key)),
        (candidate: Signer) => sshkeyFetch(`${t.url}/whoami`, {}, { scheme: "sshsig", signer: candidate, username: "bob", now: later() }),
        { response: (r) => r, onRefused: (s, code) => refused.push(`${s.publicKey.fingerprintSha256} ${code}`) },
      );
      expect(result.status).toBe(200);
      expect(signer.publicKey.fingerprintSha256).toBe(fp.ed25519);
      expect(refused).toEqual([`${fp.stranger} unknown_key`, `${fp.ecdsa256} unknown_key`]);
    } finally {
      keyring.close();
    }
  });
});

describe("certificates", () => {
  let certFile: string;
  let caLine: string;
  beforeAll(() => {
    execFileSync("ssh-keygen", ["-q", "-s", file.ca, "-I", "alice-cert", "-n", "alice", "-V", "-5m:+1h", `${file.ed25519}.pub`], { stdio: "ignore" });
    certFile = `${file.ed25519}-cert.pub`;
    caLine = `cert-authority ${readText(`${file.ca}.pub`).trim()}`;
  });

  it("the blob carries the certificate and ssh-keygen -Y verify accepts it against the CA (key file and agent)", async () => {
    const certBlob = Buffer.from(readText(certFile).split(" ")[1]!, "base64");
    const fromFile = await withCertificate(await loadKeyFileSigner(file.ed25519), certFile);
    const fromAgent = await withCertificate(await agentSigner({ socketPath: agent.socketPath, fingerprint: fp.ed25519 }), { text: readText(certFile) });
    try {
      for (const signer of [fromFile, fromAgent]) {
        const header = await sshsigAuthorization({ signer, username: "alice", url: `${t.url}/whoami`, method: "POST", body: "x", now: later() });
        const blob = decodeSshsigBlob(signatureOf(header));
        expect(blob.keyType).toBe("ssh-ed25519-cert-v01@openssh.com");
        expect(blob.publicKey.equals(certBlob)).toBe(true);
        const r = verify(header, message(header, "POST", "/whoami", "x"), caLine);
        expect(r.status, r.out).toBe(0);
        expect(r.out).toMatch(/Good "http@passport-sshkey" signature for alice with ED25519-CERT/);
      }
    } finally {
      fromFile.close();
      fromAgent.close();
    }
  });

  it("refuses a certificate of another key, and a file that is not one", async () => {
    const other = await loadKeyFileSigner(file.ecdsa256);
    await expect(withCertificate(other, certFile)).rejects.toMatchObject({ code: "invalid_key", message: expect.stringContaining("another key") });
    await expect(withCertificate(other, `${file.ecdsa256}.pub`)).rejects.toMatchObject({ code: "invalid_key" });
    await expect(withCertificate(other, path.join(tmp.dir, "missing-cert.pub"))).rejects.toMatchObject({ code: "key_unreadable" });
  });
});

describe("agent refusals", () => {
  it("a destination-constrained key: the error names the key and the likely causes", async () => {
    const constrained = sshKeygen(tmp.dir, "id_constrained", "ed25519");
    const hostKey = sshKeygen(tmp.dir, "hostkey", "ed25519");
    const knownHosts = path.join(tmp.dir, "known_hosts");
    writeFileSync(knownHosts, `somehost ${readText(`${hostKey}.pub`).split(" ").slice(0, 2).join(" ")}\n`);
    execFileSync("ssh-add", ["-q", "-H", knownHosts, "-h", "somehost", constrained], {
      env: { ...process.env, SSH_AUTH_SOCK: agent.socketPath },
      stdio: "ignore",
    });
    const fingerprint = keygenFingerprint(`${constrained}.pub`);
    const signer = await agentSigner({ socketPath: agent.socketPath, fingerprint });
    try {
      const error = await sshsigAuthorization({ signer, username: "alice", url: t.url }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toMatchObject({ code: "agent_refused", detail: { fingerprint, keyType: "ssh-ed25519" } });
      const text = (error as Error).message;
      expect(text).not.toContain("\n");
      expect(text).toContain(`refused to sign with ${fingerprint} (ssh-ed25519)`);
      expect(text).toContain("destination constraint (ssh-add -h)");
    } finally {
      signer.close();
      execFileSync("ssh-add", ["-q", "-d", `${constrained}.pub`], { env: { ...process.env, SSH_AUTH_SOCK: agent.socketPath }, stdio: "ignore" });
    }
  });
});
