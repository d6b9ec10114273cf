// A JWKS URL is any user's to add and the server fetches it, so by default the fetch connects
// only to public addresses: a URL at loopback, a private network or the cloud metadata address
// is refused (jwks_unavailable, never an accept, never a 500) before any connection, and the
// console is told only that. The loopback JWKS server counts the requests that reach it.
import { afterEach, describe, expect, it } from "vitest";
import { nonPublicRefusal } from "../../strategy/net/address-policy.js";
import { jwksSettings } from "../../strategy/jwks/options.js";
import { startJwksRig, type JwksRig } from "../support/jwks-rig.js";
import { keyPairFor, publicJwk } from "../support/jwks-server.js";

let rig: JwksRig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

const key = keyPairFor("ES256");
const answer = { body: { keys: [publicJwk(key.publicKey, "k")] } };

/** The served URL with its host (and scheme) replaced. */
const at =
  (host: string, scheme = "http") =>
  (served: string) =>
    served.replace("http://127.0.0.1", `${scheme}://${host}`);

describe("JWKS URLs at non-public addresses, by default", () => {
  it.each([
    ["127.0.0.1", at("127.0.0.1")],
    ["127.0.0.1 over https", at("127.0.0.1", "https")],
    ["localhost (a name resolving to loopback)", at("localhost")],
    ["[::1]", at("[::1]")],
    ["[::ffff:127.0.0.1]", at("[::ffff:127.0.0.1]")],
    ["169.254.169.254 (cloud metadata)", () => "http://169.254.169.254/latest/meta-data/"],
    ["10.0.0.1", () => "https://10.0.0.1/jwks.json"],
  ])("%s: refused before connecting, the console told only that", async (_what, url) => {
    // allowHttp, so that the address and not the scheme is what refuses.
    rig = await startJwksRig(answer, { jwks: { allowPrivateAddresses: false, allowHttp: true } }, url);
    const r = await rig.call(key.privateKey, "ES256", "k");
    expect([r.status, r.body.error.code]).toEqual([503, "jwks_unavailable"]);
    await expect.poll(async () => (await rig!.app.store.jwks.list("alice"))[0]?.lastFetchError).toBe(nonPublicRefusal);
    expect(rig.jwks.fetches).toBe(0);
  });

  it("plain http to loopback is refused by its scheme unless private addresses are allowed", async () => {
    rig = await startJwksRig(answer, { jwks: { allowPrivateAddresses: false } });
    expect((await rig.call(key.privateKey, "ES256", "k")).body.error.code).toBe("jwks_unavailable");
    await expect.poll(async () => (await rig!.app.store.jwks.list("alice"))[0]?.lastFetchError).toMatch(/only https:\/\/ JWKS URLs are fetched/);
    expect(rig.jwks.fetches).toBe(0);
  });

  it("strangers are told only that the credentials failed", async () => {
    rig = await startJwksRig(answer, { exposeErrorCodes: false, jwks: { allowPrivateAddresses: false, allowHttp: true } });
    const r = await rig.call(key.privateKey, "ES256", "k");
    expect(r.status).toBe(503);
    expect(JSON.stringify(r.body)).not.toMatch(/127\.0\.0\.1|non-public/);
    expect(rig.jwks.fetches).toBe(0);
  });
});

describe("jwks.allowPrivateAddresses", () => {
  it.each([
    ["127.0.0.1", at("127.0.0.1")],
    ["localhost", at("localhost")],
  ])("lets a JWKS server on %s sign in", async (_what, url) => {
    rig = await startJwksRig(answer, { jwks: { allowPrivateAddresses: true } }, url);
    expect((await rig.call(key.privateKey, "ES256", "k")).status).toBe(200);
    expect(rig.jwks.fetches).toBe(1);
  });

  it("is a boolean, like the other options", () => {
    expect(() => jwksSettings({ allowPrivateAddresses: "yes" as unknown as boolean })).toThrow(/allowPrivateAddresses/);
  });
});
