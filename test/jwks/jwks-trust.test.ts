// JWKS trust (asymmetric-jwt-auth's JWKSEndpointTrust) through the demo app: a JWT whose kid
// no stored key has verifies with the key under that kid in a JWKS its user trusts, served
// here by a loopback JWKS server that counts its fetches (so private addresses are allowed). The strategy fetches by its own
// clock, so the tests move the clock rather than wait.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { databaseKinds } from "../support/databases.js";
import { lastEvent } from "../support/events.js";
import { keyPairFor, jwksToken, publicJwk, startJwksServer, type JwsAlg, type JwksServer } from "../support/jwks-server.js";
import { getJson, startTestServer, type TestServer } from "../support/server.js";
import type { SshKeyStore } from "../../strategy/store/index.js";

const T = 1_700_000_000_000;

describe.each(["memory", ...databaseKinds] as const)("JWKS trust on %s", (kind) => {
  let app: TestServer<SshKeyStore>;
  let jwks: JwksServer;
  const keys = { RS256: keyPairFor("RS256"), ES256: keyPairFor("ES256"), EdDSA: keyPairFor("EdDSA") };
  beforeAll(async () => {
    jwks = await startJwksServer({ body: { keys: (Object.keys(keys) as JwsAlg[]).map((alg) => publicJwk(keys[alg].publicKey, `k-${alg}`)) } });
    app = (await startTestServer(kind as "memory", { startAt: T, exposeErrorCodes: true, jwks: { allowPrivateAddresses: true } })) as TestServer<SshKeyStore>;
    await app.store.directory.addUser("alice");
    await app.store.directory.addUser("bob");
    await app.store.jwks.add("alice", jwks.url);
  });
  afterAll(async () => {
    await app?.close();
    await jwks?.close();
  });

  const call = async (username: string, alg: JwsAlg, kid: string, key = keys[alg].privateKey) =>
    getJson(`${app.url}/whoami`, { authorization: await jwksToken(username, key, alg, kid, app.clock.now) });

  it.each(["RS256", "ES256", "EdDSA"] as const)("accepts %s signed by a key of alice's JWKS, from one fetch, and records the use", async (alg) => {
    const r = await call("alice", alg, `k-${alg}`);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.username).toBe("alice");
    expect(jwks.fetches).toBe(1);
    const event = await lastEvent(app.store);
    expect(event).toMatchObject({ outcome: "success", username: "alice", keyId: null, jwksUrl: jwks.url, jwksKid: `k-${alg}` });
    await app.store.events.flush();
    const [endpoint] = await app.store.jwks.list("alice");
    await expect.poll(async () => (await app.store.jwks.list("alice"))[0]?.lastUsedAt?.getTime()).toBe(app.clock.now);
    expect(endpoint).toMatchObject({ lastFetchError: null });
    expect(endpoint!.lastFetchedAt).not.toBeNull();
  });

  it("refuses the same token for a user who does not trust that JWKS", async () => {
    const r = await call("bob", "ES256", "k-ES256");
    expect(r.status).toBe(401);
    expect(r.body.error.code).toBe("unknown_key");
  });

  it("refuses a JWKS key of a disabled user after the signature verified", async () => {
    await app.store.directory.addUser("dora");
    await app.store.jwks.add("dora", jwks.url);
    await app.store.directory.setUserFlags("dora", { disabled: true });
    const r = await call("dora", "EdDSA", "k-EdDSA");
    expect(r.status).toBe(401);
    expect(r.body.error.code).toBe("user_disabled");
    expect(await lastEvent(app.store)).toMatchObject({ outcome: "failure", errorCode: "user_disabled", keyId: null, jwksUrl: jwks.url, jwksKid: "k-EdDSA" });
  });
});
