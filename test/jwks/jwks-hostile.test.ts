// A JWKS that cannot be read is `jwks_unavailable` (503 with Retry-After), never a 500 and never
// an accept; a set that can be read but holds no key this token may use is a plain refusal.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { startJwksRig, type JwksRig } from "../support/jwks-rig.js";
import { keyPairFor, publicJwk, startJwksServer, type JwksAnswer } from "../support/jwks-server.js";
import type { TestServerOptions } from "../support/server.js";

let rig: JwksRig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

const es = keyPairFor("ES256");
const rsa = keyPairFor("RS256");

async function refusal(answer: JwksAnswer, options: TestServerOptions = {}, alg: "ES256" | "RS256" = "ES256", kid = "k") {
  rig = await startJwksRig(answer, options);
  const r = await rig.call(alg === "ES256" ? es.privateKey : rsa.privateKey, alg, kid);
  expect(r.status).not.toBe(200);
  expect(r.status).not.toBe(500);
  return { status: r.status, code: r.body.error.code as string, retryAfter: r.headers.get("retry-after") };
}

describe("JWKS that cannot be read", () => {
  it("an endpoint nothing listens on: 503 jwks_unavailable with Retry-After, recorded on the endpoint, not refetched within the interval", async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    rig = await startJwksRig({ body: {} }, {}, () => `http://127.0.0.1:${port}/jwks.json`);
    const r = await rig.call(es.privateKey, "ES256", "k");
    expect(r.status).toBe(503);
    expect(r.body.error.code).toBe("jwks_unavailable");
    expect(r.headers.get("retry-after")).toBe("60");
    await expect.poll(async () => (await rig!.app.store.jwks.list("alice"))[0]?.lastFetchError).toBe("the JWKS endpoint refused the connection");
    expect((await rig.call(es.privateKey, "ES256", "k")).status).toBe(503);
  });

  it("a user's other set that is down does not stop a key found in a set that answers; a kid in neither is jwks_unavailable", async () => {
    rig = await startJwksRig({ body: { keys: [publicJwk(es.publicKey, "k")] } }, { jwks: { timeoutMs: 300 } });
    const slow = await startJwksServer({ body: { keys: [] }, delayMs: 2000 });
    try {
      await rig.app.store.jwks.add("alice", slow.url.replace("/.well-known/", "/slow/"));
      const started = Date.now();
      expect((await rig.call(es.privateKey, "ES256", "k")).status).toBe(200);
      expect((await rig.call(es.privateKey, "ES256", "elsewhere")).body.error.code).toBe("jwks_unavailable");
      // The sets are read side by side: one timeout's wait, not one per set.
      expect(Date.now() - started).toBeLessThan(1500);
    } finally {
      await slow.close();
    }
  });

  it("a refetch for an unknown kid that fails keeps the set held until its max age", async () => {
    rig = await startJwksRig({ body: { keys: [publicJwk(es.publicKey, "k")] } });
    expect((await rig.call(es.privateKey, "ES256", "k")).status).toBe(200);
    rig.jwks.answer = { body: "down", status: 503 };
    rig.app.clock.now += 60_000;
    expect((await rig.call(es.privateKey, "ES256", "random-kid")).body.error.code).toBe("jwks_unavailable");
    expect(rig.jwks.fetches).toBe(2);
    expect((await rig.call(es.privateKey, "ES256", "k")).status).toBe(200);
    rig.app.clock.now += 4 * 60_000;
    expect((await rig.call(es.privateKey, "ES256", "k")).body.error.code).toBe("jwks_unavailable");
  });

  it("an endpoint slower than the timeout", async () => {
    expect(await refusal({ body: { keys: [publicJwk(es.publicKey, "k")] }, delayMs: 1500 }, { jwks: { timeoutMs: 200 } })).toMatchObject({
      status: 503,
      code: "jwks_unavailable",
    });
    await expect.poll(async () => (await rig!.app.store.jwks.list("alice"))[0]?.lastFetchError).toBe("the JWKS endpoint did not answer in time");
  });

  it("a set that was readable and then fails is not trusted stale once its max age passed", async () => {
    rig = await startJwksRig({ body: { keys: [publicJwk(es.publicKey, "k")] } });
    expect((await rig.call(es.privateKey, "ES256", "k")).status).toBe(200);
    rig.jwks.answer = { body: "oops", status: 500 };
    rig.app.clock.now += 5 * 60_000;
    expect((await rig.call(es.privateKey, "ES256", "k")).body.error.code).toBe("jwks_unavailable");
  });

  it.each<[string, JwksAnswer]>([
    ["larger than the cap", { body: { keys: [publicJwk(es.publicKey, "k")], padding: "x".repeat(70_000) } }],
    [
      "larger than the cap, chunked without a length",
      { body: { keys: [publicJwk(es.publicKey, "k")], padding: "x".repeat(70_000) }, headers: { "transfer-encoding": "chunked" } },
    ],
    ["not JSON", { body: "<html>hello</html>" }],
    ["JSON but not a key set", { body: { keys: "none" } }],
    ["a redirect, even to a good set", { body: "", status: 302, headers: { location: "https://example.com/jwks.json" } }],
    ["a 404", { body: "no", status: 404 }],
  ])("a response %s", async (_what, answer) => {
    expect(await refusal(answer)).toMatchObject({ status: 503, code: "jwks_unavailable" });
  });

  it("plain http off loopback is not fetched, and the console is told why", async () => {
    rig = await startJwksRig({ body: {} }, {}, () => "http://jwks.invalid/jwks.json");
    expect((await rig.call(es.privateKey, "ES256", "k")).body.error.code).toBe("jwks_unavailable");
    await expect.poll(async () => (await rig!.app.store.jwks.list("alice"))[0]?.lastFetchError).toMatch(/only https:\/\/ JWKS URLs are fetched/);
  });
});

describe("JWKS keys this token may not use", () => {
  it.each<[string, JwksAnswer, "ES256" | "RS256"]>([
    ["only an EC key under the kid of an RS256 token", { body: { keys: [publicJwk(es.publicKey, "k")] } }, "RS256"],
    ["an RSA key under the kid of an ES256 token", { body: { keys: [publicJwk(rsa.publicKey, "k")] } }, "ES256"],
    ["RSA 1024", { body: { keys: [publicJwk(keyPairFor("RS256", 1024).publicKey, "k")] } }, "RS256"],
    ["a JWK with alg none", { body: { keys: [publicJwk(es.publicKey, "k", { alg: "none" })] } }, "ES256"],
    ["a JWK for another alg", { body: { keys: [publicJwk(es.publicKey, "k", { alg: "ES384" })] } }, "ES256"],
    ["a JWK for encryption", { body: { keys: [publicJwk(es.publicKey, "k", { use: "enc" })] } }, "ES256"],
    ["a private JWK", { body: { keys: [{ ...(es.privateKey.export({ format: "jwk" }) as object), kid: "k" }] } }, "ES256"],
    ["an HMAC secret", { body: { keys: [{ kty: "oct", k: "c2VjcmV0", kid: "k", alg: "HS256" }] } }, "ES256"],
    ["a garbled EC point", { body: { keys: [{ ...publicJwk(es.publicKey, "k"), x: "AAAA" }] } }, "ES256"],
    ["two EC keys under one kid", { body: { keys: [publicJwk(keyPairFor("ES256").publicKey, "k"), publicJwk(es.publicKey, "k")] } }, "ES256"],
  ])("%s: unknown_key", async (_what, answer, alg) => {
    expect(await refusal(answer, {}, alg)).toMatchObject({ status: 401, code: "unknown_key" });
  });

  it("a kid collision with a key of another type: the token's alg picks the one key it may use", async () => {
    rig = await startJwksRig({ body: { keys: [publicJwk(rsa.publicKey, "k"), publicJwk(es.publicKey, "k")] } });
    expect((await rig.call(es.privateKey, "ES256", "k")).status).toBe(200);
    // An RS256 token under that kid signed by a key that is not the listed RSA one.
    expect((await rig.call(keyPairFor("RS256").privateKey, "RS256", "k")).body.error.code).toBe("bad_signature");
  });

  it("strangers are told only that the credentials failed", async () => {
    rig = await startJwksRig({ body: { keys: [publicJwk(es.publicKey, "k")] } }, { exposeErrorCodes: false });
    const r = await rig.call(keyPairFor("ES256").privateKey, "ES256", "k");
    expect([r.status, r.body.error.code]).toEqual([401, "invalid_credentials"]);
  });
});
