// Signs single-use asymmetric-jwt-auth tokens on every core (worker threads running plain
// node:crypto), byte for byte in the layout the project's client makes (createJwtToken):
// header {"alg","kid","typ":"JWT"}, claims {"username","time","nonce"}, compact JSON.
// The client signs on the libuv pool at ~0.5k RSA tokens/s here; the HTTP rounds need
// tens of thousands of fresh tokens, so the bench forges them and checks the layout
// against the client once (assertSameLayout).
import os from "node:os";
import { Worker } from "node:worker_threads";

type JwtAlg = "RS256" | "RS512" | "EdDSA" | "ES256";

export interface JwtSignerSpec {
  privatePem: string;
  kid: string;
  username: string;
  alg: JwtAlg;
}

const workerSource = `
const { parentPort } = require("node:worker_threads");
const crypto = require("node:crypto");
const keys = new Map();
const b64 = (text) => Buffer.from(text, "utf8").toString("base64url");
const hashes = { RS256: "sha256", RS512: "sha512", EdDSA: null, ES256: "sha256" };
parentPort.on("message", (job) => {
  try {
    const prepared = job.signers.map((s) => {
      let key = keys.get(s.privatePem);
      if (!key) { key = crypto.createPrivateKey(s.privatePem); keys.set(s.privatePem, key); }
      return {
        header: b64(JSON.stringify({ alg: s.alg, kid: s.kid, typ: "JWT" })),
        hash: hashes[s.alg],
        key: s.alg === "ES256" ? { key, dsaEncoding: "ieee-p1363" } : key,
        username: s.username,
      };
    });
    const tokens = new Array(job.count);
    for (let i = 0; i < job.count; i++) {
      const s = prepared[(job.offset + i) % prepared.length];
      const nonce = crypto.randomBytes(8).toString("base64url");
      const input = s.header + "." + b64(JSON.stringify({ username: s.username, time: job.time, nonce }));
      tokens[i] = "JWT " + input + "." + crypto.sign(s.hash, Buffer.from(input, "ascii"), s.key).toString("base64url");
    }
    parentPort.postMessage({ id: job.id, tokens });
  } catch (error) {
    parentPort.postMessage({ id: job.id, error: String(error && error.stack || error) });
  }
});
`;

export class JwtSignPool {
  private readonly workers: Worker[];
  private nextId = 0;
  private readonly pending = new Map<number, { resolve: (t: string[]) => void; reject: (e: Error) => void }>();

  constructor(size = Math.max(1, os.availableParallelism())) {
    this.workers = Array.from({ length: size }, () => {
      const worker = new Worker(workerSource, { eval: true });
      worker.on("message", (m: { id: number; tokens?: string[]; error?: string }) => {
        const p = this.pending.get(m.id);
        if (!p) return;
        this.pending.delete(m.id);
        if (m.error !== undefined) p.reject(new Error(m.error));
        else p.resolve(m.tokens!);
      });
      return worker;
    });
  }

  /** `count` fresh `Authorization: JWT …` values, rotating over `signers`, all with claim time `timeSeconds`. */
  async sign(signers: readonly JwtSignerSpec[], count: number, timeSeconds: number): Promise<string[]> {
    const per = Math.ceil(count / this.workers.length);
    const parts = await Promise.all(
      this.workers.map((worker, w) => {
        const offset = w * per;
        const n = Math.max(0, Math.min(per, count - offset));
        if (n === 0) return Promise.resolve([] as string[]);
        const id = this.nextId++;
        return new Promise<string[]>((resolve, reject) => {
          this.pending.set(id, { resolve, reject });
          worker.postMessage({ id, signers, count: n, offset, time: timeSeconds });
        });
      }),
    );
    return parts.flat();
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

/** Throws unless a forged token's header and claim names equal those of a token the client made. */
export function assertSameLayout(forged: string, fromClient: string): void {
  const shape = (authorization: string) => {
    const [header, claims] = authorization.replace(/^JWT /, "").split(".") as [string, string];
    const h = JSON.parse(Buffer.from(header, "base64url").toString("utf8")) as Record<string, unknown>;
    const c = JSON.parse(Buffer.from(claims, "base64url").toString("utf8")) as Record<string, unknown>;
    return JSON.stringify([h, Object.keys(c), typeof c.time, typeof c.nonce]);
  };
  if (shape(forged) !== shape(fromClient)) {
    throw new Error(`forged JWT layout differs from the client's: ${shape(forged)} vs ${shape(fromClient)}`);
  }
}
