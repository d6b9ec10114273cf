// A fifth wire format is one codec: this toy one plugs in through the public `schemes`
// option, next to a built-in scheme, and signs in through passport like the others.
import crypto from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AuthError, type Codec, type CodecContext, type ReplayClaim } from "../strategy/index.js";
import { lastEventCode } from "./support/events.js";
import { freshKeyPair } from "./support/fresh-keys.js";
import { getJson, startTestServer, type MemoryTestServer } from "./support/server.js";
import { jwtFor, spkiPem } from "./support/tokens.js";

interface ToyCredential {
  username: string;
  time: number;
  signature: Buffer;
}

const message = (c: Pick<ToyCredential, "username" | "time">) => Buffer.from(`toy:${c.username}:${c.time}`);

/** `Authorization: Toy <username>.<unix seconds>.<base64url Ed25519 signature of "toy:<username>:<time>">`, once only. */
const toyCodec: Codec<ToyCredential, true> = {
  name: "toy",
  challenge: 'Toy realm="test"',
  claims: (word) => word === "toy",
  decode(credential: string): ToyCredential {
    const [username, time, signature] = credential.split(".");
    if (!username || !time || !signature) throw new AuthError("malformed_token", "expected <username>.<time>.<signature>");
    return { username, time: Number(time), signature: Buffer.from(signature, "base64url") };
  },
  hints: (c) => ({ untrustedUsername: c.username, keyTypes: new Set(["ssh-ed25519"]) }),
  verifySignature: (c, key) => (crypto.verify(null, message(c), key.parsed.keyObject, c.signature) ? true : null),
  noKey: () => new AuthError("unknown_key", "no Ed25519 key of this user"),
  badSignature: () => new AuthError("bad_signature", "the toy signature does not verify"),
  afterSignature(c: ToyCredential, _proof: true, _signer, ctx: CodecContext): void {
    if (Math.abs(ctx.nowMs / 1000 - c.time) > 30) throw new AuthError("clock_skew", "toy credential too old");
  },
  replay: (c): ReplayClaim => ({
    scope: "toy",
    id: `${c.username}.${c.time}`,
    expiresAt: new Date((c.time + 31) * 1000),
    message: "toy credential already used",
  }),
};

const T = 1_900_000_000;

describe("a custom codec through the public schemes option", () => {
  let t: MemoryTestServer;
  const key = freshKeyPair("ed25519").privateKey;
  const other = freshKeyPair("ed25519").privateKey;
  const toy = (signer: crypto.KeyObject, time = T) =>
    `Toy alice.${time}.${crypto.sign(null, message({ username: "alice", time }), signer).toString("base64url")}`;

  beforeAll(async () => {
    t = await startTestServer("memory", { startAt: T * 1000, schemes: ["jwt", toyCodec] });
    await t.store.directory.addUser("alice");
    await t.store.directory.addKey("alice", spkiPem(key));
  });
  afterAll(() => t?.close());

  it("signs in, and the built-in scheme beside it still works", async () => {
    const r = await getJson(`${t.url}/whoami`, { authorization: toy(key) });
    expect([r.status, r.body.username, r.body.scheme]).toEqual([200, "alice", "toy"]);
    expect(await lastEventCode(t.store)).toBeNull();
    const j = await getJson(`${t.url}/whoami`, { authorization: jwtFor("alice", key, { time: T }) });
    expect([j.status, j.body.scheme]).toEqual([200, "jwt"]);
  });

  it("gets the pipeline's refusals: concealed bad signature, replay, its own time window", async () => {
    const bad = await getJson(`${t.url}/whoami`, { authorization: toy(other, T + 1) });
    expect([bad.status, bad.body.error.code, await lastEventCode(t.store)]).toEqual([401, "invalid_credentials", "bad_signature"]);
    const once = toy(key, T + 2);
    expect((await getJson(`${t.url}/whoami`, { authorization: once })).status).toBe(200);
    const again = await getJson(`${t.url}/whoami`, { authorization: once });
    expect([again.status, again.body.error.code]).toEqual([401, "replayed"]);
    const old = await getJson(`${t.url}/whoami`, { authorization: toy(key, T - 60) });
    expect([old.status, old.body.error.code]).toEqual([401, "clock_skew"]);
    expect(bad.headers.get("www-authenticate")).toMatch(/^Toy realm="test", error="invalid_token"/);
  });

  it("declares its credential syntax: a token68 codec gets no auth-param list, an auth-params one gets it as sent", async () => {
    const strict = await getJson(`${t.url}/whoami`, { authorization: 'Toy user="alice", sig="x"' });
    expect([strict.status, strict.body.error.code]).toEqual([400, "malformed_header"]);
    expect(strict.headers.get("www-authenticate")).toBeNull();

    const seen: string[] = [];
    const params: Codec<ToyCredential, true> = {
      ...toyCodec,
      name: "params",
      claims: (word) => word === "params",
      credentialSyntax: "auth-params",
      decode(credential: string): ToyCredential {
        seen.push(credential);
        const fields = Object.fromEntries([...credential.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
        return toyCodec.decode(`${fields.username}.${fields.time}.${fields.signature}`, undefined as never) as ToyCredential;
      },
    };
    const p = await startTestServer("memory", { startAt: T * 1000, schemes: [params] });
    try {
      await p.store.directory.addUser("alice");
      await p.store.directory.addKey("alice", spkiPem(key));
      const signature = crypto.sign(null, message({ username: "alice", time: T }), key).toString("base64url");
      const header = `Params username="alice", time="${T}", signature="${signature}"`;
      const r = await getJson(`${p.url}/whoami`, { authorization: header });
      expect([r.status, r.body.scheme]).toEqual([200, "params"]);
      expect(seen).toEqual([header.slice("Params ".length)]);
    } finally {
      await p.close();
    }
  });

  it("may carry its credential in headers of its own: claimsRequest when there is no Authorization, and challengeHeaders on its 401s", async () => {
    const headerCodec: Codec<ToyCredential, true> = {
      ...toyCodec,
      name: "header-toy",
      challenge: 'HeaderToy realm="test"',
      challengeHeaders: { "X-Toy-Wants": "username.time.signature" },
      claims: () => false,
      claimsRequest: (request) => request.header("x-toy") !== undefined,
      decode: (credential: string, ctx: CodecContext) => {
        expect(credential).toBe("");
        return toyCodec.decode(ctx.request.header("x-toy")!, ctx) as ToyCredential;
      },
    };
    const h = await startTestServer("memory", { startAt: T * 1000, schemes: ["jwt", headerCodec] });
    try {
      await h.store.directory.addUser("alice");
      await h.store.directory.addKey("alice", spkiPem(key));
      const r = await getJson(`${h.url}/whoami`, { "x-toy": toy(key).slice("Toy ".length) });
      expect([r.status, r.body.scheme]).toEqual([200, "header-toy"]);
      const bad = await getJson(`${h.url}/whoami`, { "x-toy": "junk" });
      expect([bad.status, bad.body.error.code, bad.headers.get("x-toy-wants")]).toEqual([400, "malformed_token", null]);
      const refused = await getJson(`${h.url}/whoami`, { "x-toy": toy(other, T + 1).slice("Toy ".length) });
      expect([refused.status, refused.headers.get("x-toy-wants")]).toEqual([401, "username.time.signature"]);
      // Nothing at all: still missing_credentials, every scheme's challenge, and its headers.
      const none = await getJson(`${h.url}/whoami`);
      expect([none.status, none.body.error.code, none.headers.get("x-toy-wants")]).toEqual([401, "missing_credentials", "username.time.signature"]);
      // An Authorization header is still read first: the codec's headers beside it are not looked at.
      const both = await getJson(`${h.url}/whoami`, { authorization: "Bogus x", "x-toy": toy(key, T + 2).slice("Toy ".length) });
      expect([both.status, both.body.error.code]).toEqual([401, "unsupported_scheme"]);
    } finally {
      await h.close();
    }
  });
});
