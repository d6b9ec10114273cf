import crypto from "node:crypto";
import net from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  AgentError,
  agentSigner,
  createJwtAuthorization,
  createJwtToken,
  listAgentKeys,
  loadKeyFileSigner,
  type AgentErrorCode,
} from "../../strategy/client/index.js";
import { writeFixtureKeyFile } from "../support/fixture-keys.js";
import { keygenFingerprint, makeTmpDir, nodePublicKeyFromPub, sshKeygen, startAgent, type RunningAgent } from "../support/ssh-keygen.js";
import { readText, splitJws, verifySignerForm } from "./helpers.js";
import { SshReader, sshString } from "../../strategy/keys/wire.js";
import { fidoSignedData } from "../../strategy/schemes/sshsig/security-key.js";
import { softwareFidoKey, type SoftwareFidoKey } from "../support/software-fido.js";

const tmp = makeTmpDir("client-agent-");
let agent: RunningAgent;
const keys: Record<"rsa" | "ed25519" | "ecdsa256" | "absent", string> = { rsa: "", ed25519: "", ecdsa256: "", absent: "" };

beforeAll(async () => {
  keys.ed25519 = sshKeygen(tmp.dir, "id_ed25519", "ed25519");
  // A fixture RSA key (3072 bits, as ssh-keygen makes them): ssh-keygen takes seconds for one.
  keys.rsa = writeFixtureKeyFile("rsa3072", path.join(tmp.dir, "id_rsa"), "id_rsa@test").key;
  keys.ecdsa256 = sshKeygen(tmp.dir, "id_ecdsa", "ecdsa256");
  keys.absent = sshKeygen(tmp.dir, "id_absent", "ed25519");
  agent = await startAgent(tmp.dir);
  agent.add(keys.ed25519);
  agent.add(keys.rsa);
  agent.add(keys.ecdsa256);
});

afterAll(async () => {
  await agent?.stop();
  tmp.cleanup();
});

async function expectCode(p: Promise<unknown>, code: AgentErrorCode): Promise<AgentError> {
  const err = await p.then(
    () => {
      throw new Error(`expected ${code}, got success`);
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AgentError);
  expect((err as AgentError).code).toBe(code);
  return err as AgentError;
}

describe("listAgentKeys", () => {
  it("lists the agent's keys in order, with comments", async () => {
    const list = await listAgentKeys({ socketPath: agent.socketPath });
    expect(list.map((k) => k.fingerprintSha256)).toEqual([
      keygenFingerprint(`${keys.ed25519}.pub`),
      keygenFingerprint(`${keys.rsa}.pub`),
      keygenFingerprint(`${keys.ecdsa256}.pub`),
    ]);
    expect(list.map((k) => k.comment)).toEqual(["id_ed25519@test", "id_rsa@test", "id_ecdsa@test"]);
  });
});

describe("agentSigner", () => {
  it("RSA: sha1 (ssh-rsa), sha256 and sha512 signatures verify and equal the key file's", async () => {
    const signer = await agentSigner({ socketPath: agent.socketPath, fingerprint: keygenFingerprint(`${keys.rsa}.pub`) });
    const file = await loadKeyFileSigner(keys.rsa);
    const independent = nodePublicKeyFromPub(`${keys.rsa}.pub`);
    try {
      expect(signer.source).toBe("agent");
      expect(signer.publicKey.type).toBe("ssh-rsa");
      const data = crypto.randomBytes(64);
      for (const rsaHash of ["sha1", "sha256", "sha512"] as const) {
        const sig = await signer.sign(data, { rsaHash });
        expect(sig.length).toBe(384);
        expect(crypto.verify(rsaHash, data, independent, sig)).toBe(true);
        expect(sig.equals(await file.sign(data, { rsaHash }))).toBe(true); // PKCS#1 v1.5 is deterministic
      }
      // default is sha256, as Signer documents
      expect(crypto.verify("sha256", data, independent, await signer.sign(data))).toBe(true);
      await expect(signer.sign(data, { rsaHash: "sha384" })).rejects.toBeInstanceOf(TypeError);
    } finally {
      signer.close();
    }
  });

  it("Ed25519 by public key text; JWT equals the one made from the key file", async () => {
    const signer = await agentSigner({ socketPath: agent.socketPath, publicKey: readText(`${keys.ed25519}.pub`) });
    const file = await loadKeyFileSigner(keys.ed25519);
    try {
      const data = crypto.randomBytes(64);
      const sig = await signer.sign(data);
      expect(sig.length).toBe(64);
      expect(crypto.verify(null, data, nodePublicKeyFromPub(`${keys.ed25519}.pub`), sig)).toBe(true);
      const opts = { username: "zoë", now: () => 1_700_000_000_000, nonce: "fixednonce1" };
      const viaAgent = await createJwtAuthorization({ signer, ...opts });
      expect(viaAgent).toBe(await createJwtAuthorization({ signer: file, ...opts }));
    } finally {
      signer.close();
    }
  });

  it("RSA JWTs (RS512, RS256) through the agent equal the key file's", async () => {
    const file = await loadKeyFileSigner(keys.rsa);
    const signer = await agentSigner({ socketPath: agent.socketPath, publicKey: file.publicKey });
    try {
      for (const algorithm of ["RS512", "RS256"] as const) {
        const opts = { username: "alice", now: () => 1_700_000_000_000, nonce: "n0nce", algorithm };
        expect(await createJwtToken({ signer, ...opts })).toBe(await createJwtToken({ signer: file, ...opts }));
      }
      await expect(createJwtToken({ signer, username: "a", algorithm: "RS384" })).rejects.toBeInstanceOf(TypeError);
    } finally {
      signer.close();
    }
  });

  it("ECDSA P-256: mpint r,s become IEEE-P1363; an ES256 JWT verifies", async () => {
    const signer = await agentSigner({ socketPath: agent.socketPath, fingerprint: keygenFingerprint(`${keys.ecdsa256}.pub`) });
    try {
      const independent = nodePublicKeyFromPub(`${keys.ecdsa256}.pub`);
      // Many signatures, so that r or s with a high bit (mpint 0x00 prefix) and short ones both occur.
      for (let i = 0; i < 40; i++) {
        const data = crypto.randomBytes(32);
        const sig = await signer.sign(data);
        expect(sig.length).toBe(64);
        expect(crypto.verify("sha256", data, { key: independent, dsaEncoding: "ieee-p1363" }, sig)).toBe(true);
      }
      const token = await createJwtToken({ signer, username: "alice" });
      const { header, input, signature } = splitJws(token);
      expect(JSON.parse(header).alg).toBe("ES256");
      expect(crypto.verify("sha256", input, { key: independent, dsaEncoding: "ieee-p1363" }, signature)).toBe(true);
    } finally {
      signer.close();
    }
  });

  it("without a selector takes the agent's first key; parallel signs share one connection", async () => {
    const signer = await agentSigner({ socketPath: agent.socketPath });
    try {
      expect(signer.publicKey.fingerprintSha256).toBe(keygenFingerprint(`${keys.ed25519}.pub`));
      const data = Array.from({ length: 20 }, (_, i) => Buffer.from(`message ${i}`));
      const sigs = await Promise.all(data.map((d) => signer.sign(d)));
      sigs.forEach((s, i) => expect(verifySignerForm(signer.publicKey, data[i]!, s)).toBe(true));
    } finally {
      signer.close();
    }
  });

  it("uses SSH_AUTH_SOCK by default", async () => {
    const saved = process.env["SSH_AUTH_SOCK"];
    process.env["SSH_AUTH_SOCK"] = agent.socketPath;
    try {
      expect((await listAgentKeys()).length).toBe(3);
    } finally {
      if (saved === undefined) delete process.env["SSH_AUTH_SOCK"];
      else process.env["SSH_AUTH_SOCK"] = saved;
    }
  });
});

describe("agent errors", () => {
  it("no agent socket", async () => {
    await expectCode(agentSigner({ socketPath: path.join(tmp.dir, "no-such.sock") }), "agent_unavailable");
    await expectCode(listAgentKeys({ socketPath: path.join(tmp.dir, "no-such.sock") }), "agent_unavailable");
  });

  it("SSH_AUTH_SOCK unset and no socketPath", async () => {
    const saved = process.env["SSH_AUTH_SOCK"];
    delete process.env["SSH_AUTH_SOCK"];
    try {
      await expectCode(agentSigner(), "agent_unavailable");
    } finally {
      if (saved !== undefined) process.env["SSH_AUTH_SOCK"] = saved;
    }
  });

  it("key not in agent (by public key and by fingerprint)", async () => {
    await expectCode(agentSigner({ socketPath: agent.socketPath, publicKey: readText(`${keys.absent}.pub`) }), "key_not_in_agent");
    const err = await expectCode(agentSigner({ socketPath: agent.socketPath, fingerprint: keygenFingerprint(`${keys.absent}.pub`) }), "key_not_in_agent");
    expect(err.message).toContain(keygenFingerprint(`${keys.absent}.pub`));
  });

  it("an empty agent", async () => {
    const dir = makeTmpDir("client-agent-empty-");
    const empty = await startAgent(dir.dir);
    try {
      expect(await listAgentKeys({ socketPath: empty.socketPath })).toEqual([]);
      await expectCode(agentSigner({ socketPath: empty.socketPath }), "key_not_in_agent");
    } finally {
      await empty.stop();
      dir.cleanup();
    }
  });

  it("the agent refuses to sign; answers garbage; never answers", async () => {
    const ed = await loadKeyFileSigner(keys.ed25519);
    const identities = Buffer.concat([Buffer.from([12, 0, 0, 0, 1]), u32(ed.publicKey.blob.length), ed.publicKey.blob, u32(0)]);
    for (const [signAnswer, code] of [
      [Buffer.from([5]), "agent_refused"],
      [Buffer.from([14, 0, 0]), "agent_protocol_error"],
      [null, "agent_timeout"],
    ] as const) {
      const fake = await fakeAgent(tmp.dir, (type) => (type === 11 ? identities : signAnswer));
      try {
        const signer = await agentSigner({ socketPath: fake.socketPath, timeoutMs: 300 });
        await expectCode(signer.sign(Buffer.from("x")), code);
        signer.close();
      } finally {
        await fake.close();
      }
    }
  });

  it("a security key: the agent's whole signature (flags, counter) passes through once it verifies; a tampered one does not", async () => {
    const fido = softwareFidoKey("ed25519");
    const identities = Buffer.concat([Buffer.from([12]), u32(1), sshString(fido.blob), sshString("sk@test")]);
    const answers: [string, (data: Buffer) => Buffer, AgentErrorCode | null][] = [
      ["as signed", (data) => fidoSignature(fido, data, 0x05, 9), null],
      ["counter changed", (data) => Buffer.concat([fidoSignature(fido, data, 0x05, 9).subarray(0, -4), u32(10)]), "agent_protocol_error"],
      ["flags and counter missing", (data) => fidoSignature(fido, data, 0x01, 1).subarray(0, -5), "agent_protocol_error"],
      [
        "plain type",
        (data) => Buffer.concat([sshString("ssh-ed25519"), fidoSignature(fido, data, 1, 1).subarray(4 + fido.type.length)]),
        "agent_protocol_error",
      ],
    ];
    for (const [name, signature, code] of answers) {
      const fake = await fakeAgent(tmp.dir, (type, msg) => {
        if (type === 11) return identities;
        const request = new SshReader(msg.subarray(1));
        request.string();
        return Buffer.concat([Buffer.from([14]), sshString(signature(Buffer.from(request.string())))]);
      });
      try {
        const signer = await agentSigner({ socketPath: fake.socketPath });
        expect(signer.publicKey.type, name).toBe("sk-ssh-ed25519@openssh.com");
        const data = Buffer.from("SSHSIG signed data");
        if (code === null) expect(await signer.sign(data), name).toEqual(fidoSignature(fido, data, 0x05, 9));
        else await expectCode(signer.sign(data), code);
        signer.close();
      } finally {
        await fake.close();
      }
    }
  });

  it("a removed key: the agent answers failure", async () => {
    const dir = makeTmpDir("client-agent-rm-");
    const a = await startAgent(dir.dir);
    try {
      a.add(keys.ed25519);
      const signer = await agentSigner({ socketPath: a.socketPath });
      const { execFileSync } = await import("node:child_process");
      execFileSync("ssh-add", ["-q", "-D"], { env: { ...process.env, SSH_AUTH_SOCK: a.socketPath }, stdio: "ignore" });
      await expectCode(signer.sign(Buffer.from("x")), "agent_refused");
      signer.close();
    } finally {
      await a.stop();
      dir.cleanup();
    }
  });
});

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
}

/** What ssh-agent answers for a security key: `string type, string signature, byte flags, uint32 counter` (PROTOCOL.u2f). */
function fidoSignature(fido: SoftwareFidoKey, data: Buffer, flags: number, counter: number): Buffer {
  const signed = fidoSignedData(Buffer.from(fido.application), { flags, counter }, data);
  return Buffer.concat([sshString(fido.type), sshString(crypto.sign(null, signed, fido.privateKey)), Buffer.of(flags), u32(counter)]);
}

/** A fake agent answering each request with `answer(type, message)` (null: stay silent). */
async function fakeAgent(dir: string, answer: (type: number, message: Buffer) => Buffer | null): Promise<{ socketPath: string; close: () => Promise<void> }> {
  const socketPath = path.join(dir, `fake-${crypto.randomBytes(4).toString("hex")}.sock`);
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    sockets.add(s);
    let buf = Buffer.alloc(0);
    s.on("data", (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      while (buf.length >= 4 && buf.length >= 4 + buf.readUInt32BE(0)) {
        const msg = buf.subarray(4, 4 + buf.readUInt32BE(0));
        buf = buf.subarray(4 + msg.length);
        const out = answer(msg[0]!, msg);
        if (out) s.write(Buffer.concat([u32(out.length), out]));
      }
    });
    s.on("error", () => {});
  });
  await new Promise<void>((r) => server.listen(socketPath, r));
  return {
    socketPath,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}
