// Behind a proxy: the scheme and authority a client signs in @target-uri are not what the
// server sees. X-Forwarded-Proto counts only under Express's `trust proxy`; `origin` names the
// public scheme and authority; `targetUri(req)` rebuilds a URI whose path the proxy rewrote.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Rfc9421SchemeOptions } from "../../../strategy/schemes/rfc9421/scheme.js";
import { createDemoApp } from "../../../strategy/server/demo-app.js";
import { SshKeyStrategy } from "../../../strategy/strategy.js";
import { createMemoryStore } from "../../../strategy/store/index.js";
import { loadPackageKey, packageSign, type PackageKey } from "../../support/rfc9421.js";
import { keygenFingerprint, makeTmpDir, sshKeygen } from "../../support/ssh-keygen.js";
import { readFileSync } from "node:fs";

const tmp = makeTmpDir("rfc9421-proxy-");
const store = createMemoryStore();
const servers: http.Server[] = [];
let key: PackageKey;
let keyid: string;

async function serve(rfc9421: Rfc9421SchemeOptions, trustProxy = false): Promise<string> {
  const strategy = new SshKeyStrategy({ store, schemes: ["rfc9421"], rfc9421, exposeErrorCodes: true });
  const server = createDemoApp({ strategy, log: () => {}, trustProxy }).listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  servers.push(server);
  return `127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Signs for `signedUri` and sends to `address` with these headers (Host and X-Forwarded-* as a proxy would set them). */
async function call(address: string, signedUri: string, headers: Record<string, string> = {}): Promise<{ status: number; code: string | undefined }> {
  const signed = await packageSign(key, { method: "GET", url: signedUri, headers }, { created: Math.floor(Date.now() / 1000), keyid });
  const [hostname, port] = address.split(":");
  const path = new URL(signedUri).pathname.replace(/^\/api/, "") + new URL(signedUri).search;
  return new Promise((resolve, reject) => {
    const req = http.request({ hostname, port, path, headers: { host: new URL(signedUri).host, ...signed.headers } }, (res) => {
      let text = "";
      res.on("data", (d) => (text += d));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, code: (JSON.parse(text) as { error?: { code: string } }).error?.code }));
    });
    req.on("error", reject);
    req.end();
  });
}

beforeAll(async () => {
  await store.directory.addUser("alice");
  const file = sshKeygen(tmp.dir, "ed", "ed25519");
  await store.directory.addKey("alice", readFileSync(`${file}.pub`, "utf8"));
  key = loadPackageKey(file);
  keyid = keygenFingerprint(`${file}.pub`);
}, 30_000);
afterAll(async () => {
  for (const server of servers) server.close();
  await store.close();
  tmp.cleanup();
});

describe("RFC 9421 behind a proxy", () => {
  it("reads X-Forwarded-Proto for @target-uri only under trust proxy", async () => {
    const untrusting = await serve({});
    const trusting = await serve({}, true);
    const forwarded = { "X-Forwarded-Proto": "https" };
    expect(await call(untrusting, "https://api.example.test/whoami", forwarded)).toEqual({ status: 401, code: "bad_signature" });
    expect(await call(trusting, "https://api.example.test/whoami", forwarded)).toEqual({ status: 200, code: undefined });
    expect(await call(untrusting, "http://api.example.test/whoami?plain=1")).toEqual({ status: 200, code: undefined });
  });

  it("origin: the public scheme and authority, whatever Host the proxy sends", async () => {
    const address = await serve({ origin: "https://api.example.test" });
    expect(await call(address, "https://api.example.test/whoami?x=1")).toEqual({ status: 200, code: undefined });
    expect(await call(address, "http://api.example.test/whoami")).toEqual({ status: 401, code: "bad_signature" });
    expect(await call(address, "https://other.example.test/whoami")).toEqual({ status: 401, code: "bad_signature" });
  });

  it("targetUri(req): a proxy that strips /api", async () => {
    const address = await serve({ targetUri: (req) => `https://api.example.test/api${req.originalUrl}` });
    expect(await call(address, "https://api.example.test/api/whoami?x=1")).toEqual({ status: 200, code: undefined });
    expect(await call(address, "https://api.example.test/whoami?x=1")).toEqual({ status: 401, code: "bad_signature" });
  });
});
