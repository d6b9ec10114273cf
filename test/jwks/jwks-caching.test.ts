// When the strategy fetches a JWKS: once per Cache-Control max-age (default 5 minutes), again
// for a kid the cached set lacks at most once per refetch interval (default a minute), so
// rotation is picked up and tokens with random kids cannot make it fetch. Fetches are counted
// by the JWKS server; time is the strategy's clock, moved by the test.
import crypto from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { startJwksRig, type JwksRig } from "../support/jwks-rig.js";
import { keyPairFor, publicJwk } from "../support/jwks-server.js";
import { spkiPem } from "../support/tokens.js";

const minute = 60_000;
let rig: JwksRig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

describe("JWKS caching", () => {
  it("rotation: a new kid verifies after one refetch (once the interval passed), a removed kid stops once the max age passed", async () => {
    const old = keyPairFor("ES256");
    const next = keyPairFor("ES256");
    rig = await startJwksRig({ body: { keys: [publicJwk(old.publicKey, "2024")] } });
    expect((await rig.call(old.privateKey, "ES256", "2024")).status).toBe(200);
    rig.jwks.answer = { body: { keys: [publicJwk(next.publicKey, "2025")] } };
    // Within the interval the cached set is all there is: the new kid is unknown, nothing is fetched.
    expect((await rig.call(next.privateKey, "ES256", "2025")).body.error.code).toBe("unknown_key");
    expect(rig.jwks.fetches).toBe(1);
    rig.app.clock.now += minute;
    expect((await rig.call(next.privateKey, "ES256", "2025")).status).toBe(200);
    expect(rig.jwks.fetches).toBe(2);
    // The refetch replaced the set: the old kid is gone at once here, and in any case by the max age.
    expect((await rig.call(old.privateKey, "ES256", "2024")).body.error.code).toBe("unknown_key");
  });

  it("a removed kid verifies until the cache max age (default 5 minutes), then not", async () => {
    const old = keyPairFor("EdDSA");
    rig = await startJwksRig({ body: { keys: [publicJwk(old.publicKey, "old")] } });
    expect((await rig.call(old.privateKey, "EdDSA", "old")).status).toBe(200);
    rig.jwks.answer = { body: { keys: [] } };
    rig.app.clock.now += 5 * minute - 1000;
    expect((await rig.call(old.privateKey, "EdDSA", "old")).status).toBe(200);
    expect(rig.jwks.fetches).toBe(1);
    rig.app.clock.now += 1000;
    expect((await rig.call(old.privateKey, "EdDSA", "old")).body.error.code).toBe("unknown_key");
    expect(rig.jwks.fetches).toBe(2);
  });

  it("honours Cache-Control max-age, and raises no-store or a tiny max-age to the refetch interval", async () => {
    const key = keyPairFor("RS256");
    rig = await startJwksRig({ body: { keys: [publicJwk(key.publicKey, "a")] }, headers: { "cache-control": "public, max-age=120" } });
    expect((await rig.call(key.privateKey, "RS256", "a")).status).toBe(200);
    rig.app.clock.now += 119_000;
    expect((await rig.call(key.privateKey, "RS256", "a")).status).toBe(200);
    expect(rig.jwks.fetches).toBe(1);
    rig.jwks.answer = { ...rig.jwks.answer, headers: { "cache-control": "no-store" } };
    rig.app.clock.now += 1000;
    expect((await rig.call(key.privateKey, "RS256", "a")).status).toBe(200);
    expect(rig.jwks.fetches).toBe(2);
    rig.app.clock.now += minute - 1000;
    expect((await rig.call(key.privateKey, "RS256", "a")).status).toBe(200);
    expect(rig.jwks.fetches).toBe(2);
    rig.app.clock.now += 1000;
    expect((await rig.call(key.privateKey, "RS256", "a")).status).toBe(200);
    expect(rig.jwks.fetches).toBe(3);
  });

  it("tokens with random kids refetch at most once per interval (configurable)", async () => {
    const key = keyPairFor("ES256");
    rig = await startJwksRig({ body: { keys: [publicJwk(key.publicKey, "real")] } }, { jwks: { refetchIntervalMs: 10_000 } });
    const burst = async () => {
      for (let i = 0; i < 20; i++) {
        const r = await rig!.call(key.privateKey, "ES256", crypto.randomBytes(8).toString("hex"));
        expect(r.status).toBe(401);
        rig!.app.clock.now += 100;
      }
    };
    await burst();
    // The first token fetched the set; the other 19 within 10 s found it cached and fetched nothing.
    expect(rig.jwks.fetches).toBe(1);
    rig.app.clock.now += 10_000;
    await burst();
    expect(rig.jwks.fetches).toBe(2);
    expect((await rig.call(key.privateKey, "ES256", "real")).status).toBe(200);
  });

  it("a stored key's kid never fetches the JWKS", async () => {
    rig = await startJwksRig({ body: { keys: [] } });
    const stored = keyPairFor("EdDSA");
    const pub = await rig.app.store.directory.addKey("alice", spkiPem(stored.publicKey));
    const r = await rig.call(stored.privateKey, "EdDSA", pub.kid);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(rig.jwks.fetches).toBe(0);
  });
});
