// One public failure for every refusal decided before a signature verified, on every scheme
// (on the memory store): unknown user, user without a key of the credential's type, wrong key, another
// user's key all answer the same `invalid_credentials` (body, status and challenge alike);
// the event log keeps the precise code; `exposeErrorCodes` shows it, for development only.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCrtauthRouter } from "../../strategy/schemes/crtauth/router.js";
import { signSshauthToken } from "../../strategy/schemes/sshauth/sign.js";
import { SshKeyStrategy } from "../../strategy/strategy.js";
import { parsePublicKey } from "../../strategy/keys/index.js";
import { lastEventCode } from "../support/events.js";
import { fixtureKey, fixtureText } from "../support/forge-jwt.js";
import { fixtureKeyPair } from "../support/fixture-keys.js";
import { freshKeyPair } from "../support/fresh-keys.js";
import { getJson, startTestServer, type MemoryTestServer } from "../support/server.js";
import { jwtFor, spkiPem } from "../support/tokens.js";
import { generatedSigner } from "../schemes/sshauth/fixtures.js";

const T = 1_700_000_000;
const rsa = fixtureKey("ajwt/rsa2048.pem");
const ed = fixtureKey("ajwt/ed25519.pem");
const keyTypeWords = /rsa|ed25519|ecdsa|nistp|ssh-/i;

describe.each(["memory"] as const)("anti-enumeration on %s", (kind) => {
  let t: MemoryTestServer;
  let dev: MemoryTestServer;
  const erin = freshKeyPair("ed25519").privateKey;
  const sshSigner = generatedSigner("ed25519");
  beforeAll(async () => {
    t = await startTestServer(kind, { startAt: T * 1000 });
    dev = await startTestServer(kind, { startAt: T * 1000, exposeErrorCodes: true });
    for (const s of [t, dev]) {
      await s.store.directory.addUser("alice"); // RSA only
      await s.store.directory.addKey("alice", fixtureText("ajwt/rsa2048.pub"));
      await s.store.directory.addUser("erin"); // Ed25519 only
      await s.store.directory.addKey("erin", spkiPem(erin));
      await s.store.directory.addUser("sam"); // sshauth Ed25519 key
      await s.store.directory.addKey("sam", sshSigner.publicKey.openssh);
      await s.store.directory.addUser("keyless");
    }
  });
  afterAll(async () => {
    await t.close();
    await dev.close();
  });

  const answer = async (s: MemoryTestServer, authorization: string) => {
    const r = await getJson(`${s.url}/whoami`, { authorization });
    return { status: r.status, body: r.body, challenge: r.headers.get("www-authenticate"), logged: await lastEventCode(s.store) };
  };

  it("JWT: unknown user, keyless user, wrong key type, wrong key and another user's kid look the same", async () => {
    const cases: [string, () => string, string][] = [
      ["an unknown user", () => jwtFor("nobody", rsa, { time: T }), "unknown_key"],
      ["a user without keys", () => jwtFor("keyless", rsa, { time: T }), "unknown_key"],
      ["a key type the user does not hold (EdDSA for RSA-only alice)", () => jwtFor("alice", ed, { time: T }), "unknown_key"],
      ["another RSA key for alice", () => jwtFor("alice", fixtureKeyPair("rsa2048-a").privateKey, { time: T }), "bad_signature"],
      ["erin's key and kid claiming alice", () => jwtFor("alice", erin, { time: T, kid: parsePublicKey(spkiPem(erin)).kid }), "unknown_key"],
    ];
    const seen = [];
    for (const [name, make, precise] of cases) {
      const a = await answer(t, make());
      expect([name, a.logged]).toEqual([name, precise]);
      seen.push(JSON.stringify([a.status, a.body, a.challenge]));
      expect(a.body.error.message).not.toMatch(keyTypeWords);
      const shown = await answer(dev, make());
      expect([name, shown.body.error.code]).toEqual([name, precise]);
    }
    expect(new Set(seen).size).toBe(1);
    expect(JSON.parse(seen[0]!)).toEqual([
      401,
      { error: { code: "invalid_credentials", message: "the credentials were not accepted" } },
      expect.stringContaining('error="invalid_token"'),
    ]);
  });

  it("sshauth: unknown identity, identity without a usable key and a wrong key look the same", async () => {
    const token = async (identity: string, signer = generatedSigner("ed25519")) => `Bearer ${await signSshauthToken({ signer, identity, timestamp: T })}`;
    const cases: [string, string, string][] = [
      ["an unknown identity", await token("nobody"), "unknown_key"],
      ["an identity whose only key is RSA", await token("alice"), "unknown_key"],
      ["a wrong Ed25519 key for sam", await token("sam"), "bad_signature"],
      [
        "sam's fingerprint, erin's identity",
        `Bearer ${await signSshauthToken({ signer: sshSigner, identity: "erin", includeFingerprint: true, timestamp: T })}`,
        "unknown_key",
      ],
    ];
    const seen = new Set<string>();
    for (const [name, authorization, precise] of cases) {
      const a = await answer(t, authorization);
      expect([name, a.logged]).toEqual([name, precise]);
      seen.add(JSON.stringify([a.status, a.body, a.challenge]));
    }
    expect(seen.size).toBe(1);
    expect([...seen][0]).toContain("invalid_credentials");
  });

  it("refusals after the signature verified keep their precise code", async () => {
    await t.store.directory.addUser("rex");
    const k = freshKeyPair("ed25519").privateKey;
    const added = await t.store.directory.addKey("rex", spkiPem(k));
    await t.store.directory.revokeKey(added.fingerprintSha256);
    expect((await answer(t, jwtFor("rex", k, { time: T }))).body.error.code).toBe("key_revoked");
    expect((await answer(t, jwtFor("erin", erin, { time: T - 3600 }))).body.error.code).toBe("clock_skew");
  });

  it("the development option is validated, and the crtauth handshake conceals the same codes", () => {
    expect(() => new SshKeyStrategy({ store: t.store, exposeErrorCodes: "yes" as never })).toThrow(/exposeErrorCodes/);
    expect(() => createCrtauthRouter({ store: t.store, secret: "s", exposeErrorCodes: 1 as never })).toThrow(/exposeErrorCodes/);
  });
});
