import { createHash, sign } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { ParsedPublicKey } from "../../../strategy/keys/types.js";
import { createChallenge } from "../../../strategy/schemes/crtauth/challenge.js";
import { createResponse } from "../../../strategy/schemes/crtauth/client.js";
import { decodeLegacyResponse } from "../../../strategy/schemes/crtauth/legacy.js";
import { verifyRsaSha1 } from "../../../strategy/schemes/crtauth/rsa.js";
import { decodeResponse, encodeResponse } from "../../../strategy/schemes/crtauth/messages.js";
import { verifyResponse, type VerifyResponseOptions } from "../../../strategy/schemes/crtauth/response.js";
import { b64, expectAuthErrorAsync, fixedRandom, generatedKey, parsedRsaKey, pythonKeyFileSigner, upstreamKey, vectors } from "./helpers.js";
import { fixtureKeyPair } from "../../support/fixture-keys.js";

const SERVER = "api.example.com";
const T0 = 1_700_000_000; // unix seconds when challenges are made
const at =
  (s: number, ms = 0) =>
  () =>
    s * 1000 + ms;

function keyLookup(...keys: ParsedPublicKey[]): VerifyResponseOptions["lookupKey"] {
  return ({ fingerprint }) => keys.find((k) => k.crtauthFingerprint === fingerprint) ?? null;
}

async function handshake(opts: { username?: string; secret?: string | string[]; version?: 0 | 1; label?: string } = {}) {
  const key = generatedKey();
  const challenge = createChallenge({
    username: opts.username ?? "alice",
    serverName: SERVER,
    secret: opts.secret ?? "s3cret",
    key: key.parsed,
    now: at(T0),
    random: fixedRandom(opts.label ?? "handshake"),
    version: opts.version ?? 1,
  });
  const response = await createResponse(challenge.text, key.signer, { expectedServerName: SERVER });
  return { key, challenge, response };
}

const base = (over: Partial<VerifyResponseOptions> = {}): VerifyResponseOptions => ({
  secret: "s3cret",
  serverName: SERVER,
  now: at(T0, 500),
  lookupKey: keyLookup(generatedKey().parsed),
  ...over,
});

describe("verifyResponse: golden vector", () => {
  it("accepts upstream's response over the §12 challenge (secret 'secret') inside its window", async () => {
    const key = upstreamKey().parsed;
    const seen: unknown[] = [];
    const ok = await verifyResponse(vectors.v1.response.text, {
      secret: "secret",
      serverName: "server.example.com",
      now: at(vectors.v1.challenge.validFrom + 100),
      lookupKey: (hint) => {
        seen.push(hint);
        return key;
      },
    });
    expect(seen).toEqual([{ username: "username", fingerprint: "4c9a0712cb1e" }]);
    expect(ok.username).toBe("username");
    expect(ok.version).toBe(1);
    expect(ok.publicKey).toBe(key);
    expect(ok.replayId).toBe(createHash("sha256").update(b64(vectors.v1.challenge.text)).digest("hex"));
    expect(ok.replayExpiresAt.getTime()).toBe(vectors.v1.challenge.validTo * 1000 + 60_000);
  });

  it("Node's SHA-1 signature over the challenge equals upstream's", () => {
    const { privateKey } = upstreamKey();
    const r = decodeResponse(b64(vectors.v1.response.text));
    expect(sign("sha1", r.challenge, privateKey).equals(r.signature)).toBe(true);
  });
});

describe("verifyResponse: full handshake with a generated key", () => {
  it("accepts a fresh response and names the user", async () => {
    const { response, key } = await handshake();
    const ok = await verifyResponse(response.text, base());
    expect(ok).toMatchObject({ username: "alice", version: 1 });
    expect(ok.publicKey).toBe(key.parsed);
    expect(ok.replayId).toMatch(/^[0-9a-f]{64}$/);
  });

  it("gives each challenge its own replay id, and the same id for the same response", async () => {
    const a = await handshake({ label: "a" });
    const b = await handshake({ label: "b" });
    const idA = (await verifyResponse(a.response.text, base())).replayId;
    expect((await verifyResponse(a.response.text, base())).replayId).toBe(idA);
    expect((await verifyResponse(b.response.text, base())).replayId).not.toBe(idA);
  });

  it("accepts the window edges and refuses outside them (valid T0-2 … T0+20)", async () => {
    const { response } = await handshake();
    await verifyResponse(response.text, base({ now: at(T0 - 2) }));
    await verifyResponse(response.text, base({ now: at(T0 + 20) }));
    const early = await expectAuthErrorAsync(() => verifyResponse(response.text, base({ now: at(T0 - 2, -1) })), "clock_skew");
    expect(early.detail).toMatchObject({ skewMs: 1 });
    await expectAuthErrorAsync(() => verifyResponse(response.text, base({ now: at(T0 + 20, 1) })), "token_expired");
    await verifyResponse(response.text, base({ now: at(T0 + 25), clockToleranceMs: 5000 }));
  });

  it("accepts a challenge MACed with a previous secret (rotation)", async () => {
    const { response } = await handshake({ secret: "old" });
    await verifyResponse(response.text, base({ secret: ["new", "old"] }));
    await expectAuthErrorAsync(() => verifyResponse(response.text, base({ secret: "new" })), "bad_signature");
  });

  it("refuses a foreign secret", async () => {
    const { response } = await handshake();
    const err = await expectAuthErrorAsync(() => verifyResponse(response.text, base({ secret: "other" })), "bad_signature");
    expect(err.detail).toMatchObject({ part: "challenge_hmac" });
  });

  it("refuses a tampered challenge (any data byte, HMAC included) even if re-signed by the key", async () => {
    const { response, key } = await handshake();
    const r = decodeResponse(b64(response.text));
    const n = r.challenge.length;
    // unique data, valid_from, valid_to, fingerprint, server name, username, HMAC
    for (const offset of [4, 23, 28, 33, 38, 45, n - 36, n - 32, n - 1]) {
      const challenge = Buffer.from(r.challenge);
      challenge[offset]! ^= 0x01;
      const text = encodeResponse({ challenge, signature: sign("sha1", challenge, key.privateKey) }).toString("base64url");
      await expectAuthErrorAsync(() => verifyResponse(text, base()), "bad_signature");
    }
  });

  it("refuses a challenge for another server", async () => {
    const { response } = await handshake();
    await expectAuthErrorAsync(() => verifyResponse(response.text, base({ serverName: "other.example.com" })), "wrong_server");
  });

  it("refuses a signature by another key", async () => {
    const { challenge } = await handshake();
    const other = fixtureKeyPair("rsa2048-a").privateKey;
    const text = encodeResponse({ challenge: challenge.bytes, signature: sign("sha1", challenge.bytes, other) }).toString("base64url");
    await expectAuthErrorAsync(() => verifyResponse(text, base()), "bad_signature");
  });

  it("refuses a SHA-256 signature (crtauth is SHA-1 only)", async () => {
    const { challenge, key } = await handshake();
    const text = encodeResponse({ challenge: challenge.bytes, signature: sign("sha256", challenge.bytes, key.privateKey) }).toString("base64url");
    await expectAuthErrorAsync(() => verifyResponse(text, base()), "bad_signature");
  });

  it("refuses over-long and zero-prefixed-to-overlength signatures", async () => {
    const { challenge, response } = await handshake();
    const sig = decodeResponse(b64(response.text)).signature;
    const long = encodeResponse({ challenge: challenge.bytes, signature: Buffer.concat([Buffer.of(0), sig]) }).toString("base64url");
    await expectAuthErrorAsync(() => verifyResponse(long, base()), "bad_signature");
  });

  it("refuses when the key is missing or not RSA", async () => {
    const { response, key } = await handshake();
    await expectAuthErrorAsync(() => verifyResponse(response.text, base({ lookupKey: () => null })), "unknown_key");
    const ed = { ...key.parsed, type: "ssh-ed25519" as const };
    const err = await expectAuthErrorAsync(() => verifyResponse(response.text, base({ lookupKey: async () => ed })), "unknown_key");
    expect(err.detail).toMatchObject({ reason: "not_rsa" });
  });

  it("lets lookupKey errors (infrastructure) through unchanged", async () => {
    const { response } = await handshake();
    const boom = new Error("db down");
    await expect(verifyResponse(response.text, base({ lookupKey: () => Promise.reject(boom) }))).rejects.toBe(boom);
  });

  it("refuses v0 responses unless legacy is allowed, then checks them fully", async () => {
    const { response } = await handshake({ version: 0 });
    expect(response.version).toBe(0);
    await expectAuthErrorAsync(() => verifyResponse(response.text, base()), "unsupported_version");
    const ok = await verifyResponse(response.text, base({ allowLegacy: true }));
    expect(ok).toMatchObject({ username: "alice", version: 0 });
    await expectAuthErrorAsync(() => verifyResponse(response.text, base({ allowLegacy: true, secret: "x" })), "bad_signature");
    await expectAuthErrorAsync(() => verifyResponse(response.text, base({ allowLegacy: true, serverName: "other" })), "wrong_server");
  });

  it("documents upstream's old v0 vector: its signature covers the 'v' wrapper, not the payload", () => {
    const r = decodeLegacyResponse(b64(vectors.v0.response.text));
    const key = upstreamKey().parsed;
    expect(verifyRsaSha1(key, r.wrapper, r.signature)).toBe(true);
    expect(verifyRsaSha1(key, r.payload, r.signature)).toBe(false);
  });

  it.each([
    ["", "malformed_token"],
    ["AXI", "malformed_token"],
    ["AXLEAA", "malformed_token"],
    ["A".repeat(9000), "credentials_too_large"],
    ["not base64!", "malformed_token"],
    [vectors.v1.challenge.text, "malformed_token"], // a challenge is not a response
    [vectors.v1.token.text, "malformed_token"],
    ["AnI", "unsupported_version"],
  ] as const)("refuses %j as %s", async (text, code) => {
    await expectAuthErrorAsync(() => verifyResponse(text, base()), code);
  });
});

describe("verifyResponse: Python's short signatures", () => {
  it("left-pads a signature one byte shorter than the modulus", async () => {
    const key = generatedKey();
    const shortSigner = pythonKeyFileSigner(key.privateKey, key.parsed);
    // find a challenge whose signature starts with 0x00 (about 1 in 256); deterministic labels
    for (let i = 0; i < 5000; i++) {
      const challenge = createChallenge({
        username: "alice",
        serverName: SERVER,
        secret: "s3cret",
        key: key.parsed,
        now: at(T0),
        random: fixedRandom(`short-${i}`),
      });
      if (sign("sha1", challenge.bytes, key.privateKey)[0] !== 0) continue;
      const response = await createResponse(challenge.text, shortSigner, { expectedServerName: SERVER });
      expect(decodeResponse(b64(response.text)).signature.length).toBeLessThan(256);
      const ok = await verifyResponse(response.text, base());
      expect(ok.username).toBe("alice");
      return;
    }
    throw new Error("no short signature found");
  });

  it("works with 4096-bit keys (512-byte signatures)", async () => {
    const { privateKey, publicKey } = fixtureKeyPair("rsa4096");
    const parsed = parsedRsaKey(publicKey);
    const challenge = createChallenge({ username: "big", serverName: SERVER, secret: "s3cret", key: parsed, now: at(T0) });
    const text = encodeResponse({ challenge: challenge.bytes, signature: sign("sha1", challenge.bytes, privateKey) }).toString("base64url");
    expect(b64(text).subarray(-515, -512).toString("hex")).toBe("c50200");
    expect((await verifyResponse(text, base({ lookupKey: () => parsed }))).username).toBe("big");
  });
});
