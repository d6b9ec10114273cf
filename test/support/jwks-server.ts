import crypto, { type KeyObject } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { SignJWT } from "jose";

/** What the test JWKS server answers: a body (a JWK set, or raw text), headers, a status, a delay. */
export interface JwksAnswer {
  body: unknown;
  headers?: Record<string, string>;
  status?: number;
  delayMs?: number;
}

export interface JwksServer {
  url: string;
  /** Requests served so far. */
  fetches: number;
  answer: JwksAnswer;
  close(): Promise<void>;
}

/** A JWKS endpoint on loopback, answering whatever `answer` says and counting its requests. */
export async function startJwksServer(answer: JwksAnswer = { body: { keys: [] } }): Promise<JwksServer> {
  const state: JwksServer = { url: "", fetches: 0, answer, close: async () => {} };
  const server = http.createServer((_req, res) => {
    state.fetches++;
    const { body, headers = {}, status = 200, delayMs = 0 } = state.answer;
    const text = typeof body === "string" ? body : JSON.stringify(body);
    setTimeout(() => {
      if (res.destroyed) return;
      res.writeHead(status, { "content-type": "application/json", ...headers });
      res.end(text);
    }, delayMs);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`;
  state.close = async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  };
  return state;
}

export type JwsAlg = "RS256" | "ES256" | "EdDSA";

/** A fresh key pair for `alg` (or an RSA key of `rsaBits`). */
export function keyPairFor(alg: JwsAlg, rsaBits = 2048): { publicKey: KeyObject; privateKey: KeyObject } {
  if (alg === "RS256") return crypto.generateKeyPairSync("rsa", { modulusLength: rsaBits });
  if (alg === "ES256") return crypto.generateKeyPairSync("ec", { namedCurve: "P-256" });
  return crypto.generateKeyPairSync("ed25519");
}

/** The public JWK of `key` as a JWKS lists it. */
export function publicJwk(key: KeyObject, kid: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { ...(key.export({ format: "jwk" }) as Record<string, unknown>), kid, use: "sig", ...extra };
}

let nonces = 0;

/** `Authorization: JWT …` with asymmetric-jwt-auth's claims (username, time, nonce), signed by jose. */
export async function jwksToken(username: string, privateKey: KeyObject, alg: JwsAlg, kid: string, nowMs: number): Promise<string> {
  const jws = await new SignJWT({ username, time: Math.floor(nowMs / 1000), nonce: `n${++nonces}-${crypto.randomBytes(4).toString("hex")}` })
    .setProtectedHeader({ alg, kid, typ: "JWT" })
    .sign(privateKey);
  return `JWT ${jws}`;
}
