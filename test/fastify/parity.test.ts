// The Fastify plugin answers every scheme's credentials and refusals exactly as the Express
// strategy does (the demo app's /whoami with failWithError and sshkeyErrorHandler): status,
// JSON body, WWW-Authenticate, Retry-After, Accept-Signature, and the crtauth handshake at /_auth.
// Each server has its own memory store, seeded alike; each credential is made for the server it is sent to.
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadKeyFileSigner, requestHeadersFor, type ClientScheme } from "../../strategy/client/index.js";
import type { Signer } from "../../strategy/client/signer.js";
import { createRequest } from "../../strategy/schemes/crtauth/client.js";
import { createDemoApp } from "../../strategy/server/demo-app.js";
import { createMemoryStore, type SshKeyStore } from "../../strategy/store/index.js";
import { SshKeyStrategy } from "../../strategy/strategy.js";
import { fixtureText } from "../support/forge-jwt.js";
import { freshKeyPair } from "../support/fresh-keys.js";
import { jwtFor, spkiPem } from "../support/tokens.js";
import { startFastifyApp, type FastifyTestApp } from "./support.js";

const crtauth = { secret: "fastify-parity-secret" };
// Both servers require sshauth's request binding, so a bound body reaches the codec on each.
const sshauth = { bindRequests: true };
const revokedKey = freshKeyPair("ed25519").privateKey;

async function seededStore(): Promise<SshKeyStore> {
  const store = createMemoryStore();
  await store.directory.addUser("alice");
  await store.directory.addKey("alice", fixtureText("ajwt/rsa2048.pub"));
  await store.directory.addKey("alice", fixtureText("sshauth/ed25519.pub"));
  await store.directory.addUser("rita");
  const revoked = await store.directory.addKey("rita", spkiPem(revokedKey));
  await store.directory.revokeKey(revoked.fingerprintSha256, "lost");
  return store;
}

interface Answer {
  status: number;
  body: unknown;
  headers: Record<string, string | null>;
}

/**
 * What the two servers must agree on. A handshake's X-CHAP value differs by nonce, so only its
 * kind is compared; /_auth's plain-text body has no Content-Type from Express and text/plain from
 * Fastify, so Content-Type is compared on the JSON routes only.
 */
async function send(
  url: string,
  path: string,
  init: { method?: string | undefined; headers?: Record<string, string> | undefined; body?: string | undefined } = {},
): Promise<Answer> {
  const response = await fetch(new URL(path, url), { method: init.method ?? "GET", headers: init.headers ?? {}, body: init.body ?? null });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: compared as text
  }
  const header = (name: string) => response.headers.get(name);
  return {
    status: response.status,
    body,
    headers: {
      "www-authenticate": header("www-authenticate"),
      "retry-after": header("retry-after"),
      "accept-signature": header("accept-signature"),
      "x-sshkey-error": header("x-sshkey-error"),
      "x-chap": header("x-chap")?.replace(/:.*/s, ":…") ?? null,
      ...(path === "/_auth" ? {} : { "content-type": header("content-type")?.replace(/;.*/, "") ?? null }),
    },
  };
}

interface Case {
  name: string;
  path?: string;
  method?: string;
  body?: string;
  headers(url: string): Promise<Record<string, string>>;
  /** Send the same headers twice and compare the second answers (replay). */
  twice?: boolean;
  expected: number;
}

describe("the Fastify plugin answers as the Express strategy", () => {
  let express: { url: string; server: Server; strategy: SshKeyStrategy };
  let fastify: FastifyTestApp;
  let rsa: Signer;
  let ed: Signer;
  const revokedSigner = () => loadKeyFileSigner({ text: revokedKey.export({ type: "pkcs8", format: "pem" }) as string });
  const signed =
    (scheme: ClientScheme, signer: () => Signer, username = "alice") =>
    (url: string) =>
      requestHeadersFor({ scheme, signer: signer(), username: scheme === "rfc9421" ? undefined : username }, { url: new URL("/whoami", url), method: "GET" });

  /** An sshauth token bound to this method and body on `url`'s /whoami. */
  const boundSshauth = (method: string, body?: string) => (url: string) =>
    requestHeadersFor({ scheme: "sshauth", signer: ed, username: "alice", sshauth: { bind: true } }, { url: new URL("/whoami", url), method, body });

  beforeAll(async () => {
    rsa = await loadKeyFileSigner({ text: fixtureText("ajwt/rsa2048.pem") });
    ed = await loadKeyFileSigner({ text: fixtureText("sshauth/ed25519") });
    const strategy = new SshKeyStrategy({ store: await seededStore(), crtauth, sshauth });
    const server: Server = await new Promise((resolve) => {
      const s = createDemoApp({ strategy, crtauth, admin: false, log: () => {} }).listen(0, "127.0.0.1", () => resolve(s));
    });
    express = { server, strategy, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
    fastify = await startFastifyApp({ store: await seededStore(), crtauth, sshauth });
  });

  afterAll(async () => {
    express.server.closeAllConnections();
    await new Promise((resolve) => express.server.close(resolve));
    await express.strategy.close();
    await fastify.close();
    rsa.close();
    ed.close();
  });

  const now = () => Math.floor(Date.now() / 1000);
  const cases: Case[] = [
    { name: "JWT RS256 (asymmetric-jwt-auth format)", headers: signed("jwt", () => rsa), expected: 200 },
    { name: "JWT EdDSA", headers: signed("jwt", () => ed), expected: 200 },
    { name: "JWT replayed", headers: signed("jwt", () => ed), twice: true, expected: 401 },
    { name: "crtauth challenge → response → token → chap:", headers: signed("crtauth", () => rsa), expected: 200 },
    { name: "sshauth Ed25519, bound", headers: boundSshauth("GET"), expected: 200 },
    { name: "sshauth unbound where binding is required", headers: signed("sshauth", () => ed), expected: 401 },
    { name: "sshauth bound to a POST body", method: "POST", body: "hello=1", headers: boundSshauth("POST", "hello=1"), expected: 200 },
    { name: "sshauth bound to another body", method: "POST", body: "hello=2", headers: boundSshauth("POST", "hello=1"), expected: 401 },
    { name: "SSHSIG", headers: signed("sshsig", () => ed), expected: 200 },
    { name: "RFC 9421", headers: signed("rfc9421", () => ed), expected: 200 },
    { name: "no credentials", headers: async () => ({}), expected: 401 },
    { name: "an unsupported scheme", headers: async () => ({ authorization: "Basic YWxpY2U6c2VjcmV0" }), expected: 401 },
    { name: "a malformed header", headers: async () => ({ authorization: "JWT a b" }), expected: 400 },
    { name: "a malformed JWT", headers: async () => ({ authorization: "JWT not-a-jwt" }), expected: 400 },
    { name: "an unknown user", headers: async () => ({ authorization: jwtFor("mallory", revokedKey, { time: now() }) }), expected: 401 },
    { name: "a revoked key", headers: signed("jwt", () => revokedSignerNow!, "rita"), expected: 401 },
    { name: "a JWT an hour old", headers: async () => ({ authorization: jwtFor("rita", revokedKey, { time: now() - 3600 }) }), expected: 401 },
    { name: "a bad chap: token", headers: async () => ({ authorization: "chap:AAAA" }), expected: 401 },
    { name: "RFC 9421 with an unreadable Signature-Input", headers: async () => ({ "signature-input": "sig1=(", signature: "sig1=:AAAA:" }), expected: 400 },
    { name: "/_auth without X-CHAP", path: "/_auth", headers: async () => ({}), expected: 403 },
    { name: "/_auth with X-CHAP without a colon", path: "/_auth", headers: async () => ({ "x-chap": "nonsense" }), expected: 403 },
    { name: "/_auth challenge", path: "/_auth", headers: async () => ({ "x-chap": `request:${createRequest("alice")}` }), expected: 200 },
    { name: "/_auth challenge for an unknown user", path: "/_auth", headers: async () => ({ "x-chap": `request:${createRequest("nobody")}` }), expected: 200 },
    { name: "/_auth response that is garbage", path: "/_auth", method: "POST", headers: async () => ({ "x-chap": "response:AAAA" }), expected: 403 },
  ];
  let revokedSignerNow: Signer | undefined;

  it.each(cases)("$name", async (c) => {
    revokedSignerNow ??= await revokedSigner();
    const answers: Answer[] = [];
    for (const url of [express.url, fastify.url]) {
      const headers = await c.headers(url);
      const init = { method: c.method, headers: c.body === undefined ? headers : { ...headers, "content-type": "text/plain" }, body: c.body };
      let answer = await send(url, c.path ?? "/whoami", init);
      if (c.twice) answer = await send(url, c.path ?? "/whoami", init);
      answers.push(answer);
    }
    const [fromExpress, fromFastify] = answers;
    expect(fromExpress!.status).toBe(c.expected);
    expect(fromFastify).toEqual(fromExpress);
  });
});
