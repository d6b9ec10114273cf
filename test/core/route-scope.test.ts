// Route scopes through HTTP: passport.authenticate("sshkey", { scope }) refuses a key that lacks
// one with 403 insufficient_scope and RFC 6750's WWW-Authenticate, on each bearer-style scheme.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SshKeyStrategy } from "../../strategy/strategy.js";
import { databaseKinds } from "../support/databases.js";
import { generatedSigner } from "../schemes/sshauth/fixtures.js";
import { authorization, get, openLimitsStore, startLimitsApp, type LimitsApp, type LimitsScheme } from "../support/limits-app.js";
import { lastEventCode } from "../support/events.js";
import type { SshKeyStore } from "../../strategy/store/index.js";

const T = 1_700_000_000_000;

/** The challenge each scheme sends, with the refusal's attributes. */
const challengeOf: Record<LimitsScheme, string> = {
  jwt: 'JWT realm="passport-sshkey"',
  sshauth: 'Bearer realm="passport-sshkey"',
  crtauth: 'chap realm="passport-sshkey"',
};

describe.each(["memory", ...databaseKinds] as const)("route scopes on %s", (kind) => {
  const clock = { now: T };
  let store: SshKeyStore;
  let close: () => Promise<void>;
  let app: LimitsApp;
  const deployer = generatedSigner("ed25519");
  // crtauth tokens stand for the user's newest RSA key.
  const deployerRsa = generatedSigner("rsa");
  const reader = generatedSigner("ed25519");
  const anything = generatedSigner("ed25519");
  const nothing = generatedSigner("ed25519");

  beforeAll(async () => {
    ({ store, close } = await openLimitsStore(kind, clock));
    for (const name of ["dee", "rita", "una", "nora"]) await store.directory.addUser(name);
    await store.directory.addKey("dee", deployer.publicKey.openssh, { scopes: ["deploy"] });
    await store.directory.addKey("dee", deployerRsa.publicKey.openssh, { scopes: ["deploy"] });
    await store.directory.addKey("rita", reader.publicKey.openssh, { scopes: ["read", "deploy"] });
    await store.directory.addKey("una", anything.publicKey.openssh);
    const none = await store.directory.addKey("nora", nothing.publicKey.openssh);
    await store.directory.updateKeyById(none.id, { scopes: [] });
    app = await startLimitsApp(store, clock);
  });
  afterAll(async () => {
    await app?.close();
    await close?.();
  });

  for (const scheme of ["jwt", "sshauth", "crtauth"] as const) {
    it(`${scheme}: a key with the scope passes, one without it gets 403 insufficient_scope and the RFC 6750 challenge`, async () => {
      const ok = await get(`${app.url}/deploy`, await authorization(scheme, deployer, "dee", clock.now));
      expect(ok.status).toBe(200);
      expect(ok.body).toMatchObject({ username: "dee", scheme, scopes: ["deploy"] });

      // sshauth tokens of one second are the same token: the next one is a second later.
      clock.now += 1000;
      const refused = await get(`${app.url}/both`, await authorization(scheme, deployer, "dee", clock.now));
      expect(refused.status).toBe(403);
      expect(refused.body.error).toEqual({ code: "insufficient_scope", message: "this route needs the key scope read" });
      expect(refused.headers.get("www-authenticate")).toBe(
        `${challengeOf[scheme]}, error="insufficient_scope", error_description="this route needs the key scope read", scope="deploy read"`,
      );
      expect(await lastEventCode(store)).toBe("insufficient_scope");
    });
  }

  it("an array of scopes needs all of them", async () => {
    const both = await get(`${app.url}/both`, await authorization("jwt", reader, "rita", clock.now));
    expect(both.status).toBe(200);
    expect(both.body.scopes).toEqual(["deploy", "read"]);
  });

  it("a key without scopes is unrestricted; a key with an empty scope list passes only unscoped routes", async () => {
    expect((await get(`${app.url}/both`, await authorization("jwt", anything, "una", clock.now))).status).toBe(200);
    const open = await get(`${app.url}/open`, await authorization("jwt", nothing, "nora", clock.now));
    expect(open.status).toBe(200);
    expect(open.body.scopes).toEqual([]);
    const scoped = await get(`${app.url}/deploy`, await authorization("jwt", nothing, "nora", clock.now));
    expect(scoped.status).toBe(403);
    expect(scoped.body.error.code).toBe("insufficient_scope");
  });

  it("a stranger's bad signature on a scoped route is the usual 401, not a word about scopes", async () => {
    const r = await get(`${app.url}/deploy`, await authorization("jwt", generatedSigner("ed25519"), "dee", clock.now));
    expect(r.status).toBe(401);
    expect(r.body.error.code).toBe("invalid_credentials");
  });

  it("a scope change reaches the next request", async () => {
    const key = (await store.directory.listKeys("dee")).find((k) => k.fingerprintSha256 === deployer.publicKey.fingerprintSha256);
    await store.directory.updateKeyById(key!.id, { scopes: ["deploy", "read"] });
    await expect.poll(async () => (await get(`${app.url}/both`, await authorization("jwt", deployer, "dee", clock.now))).status, { timeout: 3000 }).toBe(200);
    await store.directory.updateKeyById(key!.id, { scopes: ["deploy"] });
  });
});

describe("a route's scope option", () => {
  it("with a name outside the charset is a programmer's error (500 through error(), never a pass)", async () => {
    const clock = { now: T };
    const { store, close } = await openLimitsStore("memory", clock);
    await store.directory.addUser("dee");
    const signer = generatedSigner("ed25519");
    await store.directory.addKey("dee", signer.publicKey.openssh);
    const strategy = new SshKeyStrategy({ store, now: () => clock.now });
    const outcome = await new Promise<string>((resolve) => {
      const attempt = Object.create(strategy) as SshKeyStrategy & Record<string, unknown>;
      attempt.error = (e: Error) => resolve(`error: ${e.message}`);
      attempt.success = () => resolve("success");
      attempt.fail = () => resolve("fail");
      void authorization("jwt", signer, "dee", clock.now).then((value) =>
        attempt.authenticate({ headers: { authorization: value }, method: "GET", url: "/", socket: {} } as never, { scope: "Deploy!" }),
      );
    });
    expect(outcome).toMatch(/^error: passport.authenticate: "Deploy!" is not a scope name/);
    await close();
  });
});
