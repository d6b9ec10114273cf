// Every scheme's time-window refusal through HTTP, in the one wording of core/clock-skew.ts:
// the client's clock set ahead of and behind the server's (the test server's clock is fixed
// on a whole second), and the exact message the caller gets back.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { crtauthLogin, loadKeyFileSigner, sshkeyFetch, type ClientScheme } from "../../strategy/client/index.js";
import type { Signer } from "../../strategy/client/signer.js";
import { fixtureKeyPair } from "../support/fixture-keys.js";
import { freshKeyPair } from "../support/fresh-keys.js";
import { startTestServer, type MemoryTestServer } from "../support/server.js";
import { jwtFor, spkiPem } from "../support/tokens.js";

const T = 1_900_000_000_000;
const serverTime = "2030-03-17T17:46:40Z";
const ed = freshKeyPair("ed25519");
const stranger = freshKeyPair("ed25519");
const rsa = fixtureKeyPair("rsa2048-a");
const pkcs8 = (key: typeof ed.privateKey) => key.export({ type: "pkcs8", format: "pem" }) as string;

describe("clock-skew refusals through HTTP", () => {
  let t: MemoryTestServer;
  let edSigner: Signer;
  let strangerSigner: Signer;
  let rsaSigner: Signer;

  beforeAll(async () => {
    t = await startTestServer("memory", { startAt: T, crtauth: { secret: "clock-skew-test-secret" } });
    await t.store.directory.addUser("alice");
    await t.store.directory.addKey("alice", spkiPem(ed.publicKey));
    await t.store.directory.addKey("alice", spkiPem(rsa.publicKey));
    edSigner = await loadKeyFileSigner({ text: pkcs8(ed.privateKey) });
    strangerSigner = await loadKeyFileSigner({ text: pkcs8(stranger.privateKey) });
    rsaSigner = await loadKeyFileSigner({ text: pkcs8(rsa.privateKey) });
  });
  afterAll(async () => {
    for (const signer of [edSigner, strangerSigner, rsaSigner]) signer?.close();
    await t?.close();
  });
  beforeEach(() => {
    t.clock.now = T;
  });

  const send = async (scheme: ClientScheme, offsetSeconds: number, signer = edSigner) => {
    const r = await sshkeyFetch(
      `${t.url}/whoami`,
      {},
      { scheme, signer, username: scheme === "rfc9421" ? undefined : "alice", now: () => T + offsetSeconds * 1000 },
    );
    return { status: r.status, body: (await r.json()) as { error?: { code: string; message: string } }, challenge: r.headers.get("www-authenticate") };
  };

  const windows: Array<[ClientScheme, string, number]> = [
    ["jwt", "token time", 20],
    ["sshauth", "token time", 60],
    ["sshsig", "SSHSIG time", 60],
    ["rfc9421", "signature created", 60],
  ];
  for (const [scheme, subject, allowed] of windows) {
    for (const [offset, way] of [
      [-90, "behind"],
      [90, "ahead of"],
    ] as const) {
      it(`${scheme}: a client clock 90 s ${way === "behind" ? "behind" : "ahead"} is clock_skew with the server time and the allowed window`, async () => {
        const r = await send(scheme, offset);
        expect(r.status).toBe(401);
        expect(r.body.error).toEqual({
          code: "clock_skew",
          message: `${subject} is 90 s ${way} the server (server time ${serverTime}, allowed ±${allowed} s)`,
        });
      });
    }
    it(`${scheme}: a skewed credential of a key the server does not hold still learns only that the login failed`, async () => {
      const r = await send(scheme, -90, strangerSigner);
      expect(r.status).toBe(401);
      expect(r.body.error?.code).toBe("invalid_credentials");
      expect(r.body.error?.message).not.toMatch(/server time|skew|behind|ahead/);
    });
  }

  it("jwt: an exp in the past is token_expired (PyJWT's ExpiredSignatureError), measured the same way", async () => {
    const r = await fetch(`${t.url}/whoami`, {
      headers: { authorization: jwtFor("alice", ed.privateKey, { time: T / 1000, claims: { exp: T / 1000 - 30 } }) },
    });
    expect(r.status).toBe(401);
    expect(((await r.json()) as { error: unknown }).error).toEqual({
      code: "token_expired",
      message: `token exp is 30 s behind the server (server time ${serverTime}, allowed 0 s behind)`,
    });
  });

  it("jwt: an nbf to come is clock_skew, with no leeway", async () => {
    const r = await fetch(`${t.url}/whoami`, { headers: { authorization: jwtFor("alice", ed.privateKey, { time: T / 1000, claims: { nbf: T / 1000 + 5 } }) } });
    expect(((await r.json()) as { error: unknown }).error).toEqual({
      code: "clock_skew",
      message: `token nbf is 5 s ahead of the server (server time ${serverTime}, allowed 0 s ahead)`,
    });
  });

  it("the WWW-Authenticate challenge carries the same message in ASCII", async () => {
    const r = await send("sshsig", -90);
    expect(r.challenge).toContain(`error_description="SSHSIG time is 90 s behind the server (server time ${serverTime}, allowed +/-60 s)"`);
  });

  it("crtauth: a token used after its window (server clock moved on) is token_expired; one from before it is clock_skew", async () => {
    const token = await crtauthLogin(t.url, { username: "alice", signer: rsaSigner });
    const use = async () => {
      const r = await fetch(`${t.url}/whoami`, { headers: { authorization: `chap:${token}` } });
      return ((await r.json()) as { error: { code: string; message: string } }).error;
    };
    t.clock.now = T + 600_000;
    const late = await use();
    expect(late.code).toBe("token_expired");
    expect(late.message).toMatch(/^crtauth token valid_to is \d+ s behind the server \(server time 2030-03-17T17:56:40Z, allowed [\d.]+ s behind\)$/);
    t.clock.now = T - 600_000;
    const early = await use();
    expect(early.code).toBe("clock_skew");
    expect(early.message).toMatch(/^crtauth token valid_from is \d+ s ahead of the server \(server time 2030-03-17T17:36:40Z, allowed [\d.]+ s ahead\)$/);
  });
});
