import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createChallenge } from "../../../strategy/schemes/crtauth/challenge.js";
import { createRequest, createResponse } from "../../../strategy/schemes/crtauth/client.js";
import { decodeResponse } from "../../../strategy/schemes/crtauth/messages.js";
import { parseRequest } from "../../../strategy/schemes/crtauth/request.js";
import { verifyResponse } from "../../../strategy/schemes/crtauth/response.js";
import { createToken, verifyToken } from "../../../strategy/schemes/crtauth/token.js";
import { b64, expectAuthError, expectAuthErrorAsync, generatedKey, upstreamKey, vectors } from "./helpers.js";

const at = (s: number) => () => s * 1000;

describe("createRequest", () => {
  it("matches the §12 requests", () => {
    for (const [username, text] of Object.entries(vectors.v1.requests)) expect(createRequest(username)).toBe(text);
  });

  it("refuses usernames the server would refuse", () => {
    expectAuthError(() => createRequest(""), "invalid_claim");
    expectAuthError(() => createRequest("x".repeat(65)), "invalid_claim");
  });
});

describe("createResponse", () => {
  it("reproduces upstream's golden response over the §12 challenge", async () => {
    const key = upstreamKey();
    const r = await createResponse(vectors.v1.challenge.text, key.signer, { expectedServerName: "server.example.com" });
    expect(r.text).toBe(vectors.v1.response.text);
    expect(r.version).toBe(1);
    expect(r.fingerprintMatches).toBe(false); // the vector's fingerprint is arbitrary
  });

  it("asks the signer for SHA-1 over the exact challenge bytes", async () => {
    const key = generatedKey();
    const calls: unknown[] = [];
    const spy = { ...key.signer, sign: async (d: Buffer, o?: { rsaHash?: string }) => (calls.push([d, o]), key.signer.sign(d, o as never)) };
    const ch = createChallenge({ username: "alice", serverName: "h", secret: "s", key: key.parsed });
    const r = await createResponse(ch.text, spy, { expectedServerName: "h" });
    expect(calls).toEqual([[ch.bytes, { rsaHash: "sha1" }]]);
    expect(r.fingerprintMatches).toBe(true);
    expect(decodeResponse(b64(r.text)).challenge.equals(ch.bytes)).toBe(true);
  });

  it("refuses a challenge for another server (MITM check) without signing", async () => {
    const key = generatedKey();
    let signed = false;
    const spy = { ...key.signer, sign: async () => ((signed = true), Buffer.alloc(0)) };
    await expectAuthErrorAsync(() => createResponse(vectors.v1.challenge.text, spy, { expectedServerName: "evil.example.com" }), "wrong_server");
    expect(signed).toBe(false);
  });

  it("refuses garbage challenges with AuthError", async () => {
    const key = generatedKey();
    for (const [text, code] of [
      ["", "malformed_token"],
      ["AWM", "malformed_token"],
      [vectors.v1.token.text, "malformed_token"],
      ["AmM", "unsupported_version"],
    ] as const) {
      await expectAuthErrorAsync(() => createResponse(text, key.signer, { expectedServerName: "h" }), code);
    }
  });

  it("refuses a non-RSA signer (TypeError)", async () => {
    const key = generatedKey();
    const signer = { ...key.signer, publicKey: { ...key.parsed, type: "ssh-ed25519" as const } };
    await expect(createResponse(vectors.v1.challenge.text, signer, { expectedServerName: "server.example.com" })).rejects.toThrow(TypeError);
  });
});

describe("full handshake: request → challenge → response → token → verify", () => {
  it.each([1, 0] as const)("version %d", async (version) => {
    const key = generatedKey();
    const secret = ["current", "previous"];
    const T = 1_800_000_000;
    const users = new Map([["alice", key.parsed]]);

    const req = version === 1 ? createRequest("alice") : "alice";
    const { username } = parseRequest(req, { allowLegacy: true });
    const challenge = createChallenge({ username, serverName: "api.example.com", secret, key: users.get(username), now: at(T), version });
    const response = await createResponse(challenge.text, key.signer, { expectedServerName: "api.example.com" });
    const verified = await verifyResponse(response.text, {
      secret,
      serverName: "api.example.com",
      now: at(T + 3),
      allowLegacy: true,
      lookupKey: ({ username: u, fingerprint }) => {
        const k = users.get(u);
        return k && k.crtauthFingerprint === fingerprint ? k : null;
      },
    });
    expect(verified.replayId).toBe(
      createHash("sha256")
        .update(version === 1 ? challenge.bytes : b64(challenge.text).subarray(28))
        .digest("hex"),
    );
    const token = createToken({ username: verified.username, secret, now: at(T + 3) });
    expect(verifyToken(token.text, { secret: ["next", "current"], now: at(T + 50) })).toMatchObject({ username: "alice" });
  });

  it("an unknown user gets a challenge but no token", async () => {
    const key = generatedKey();
    const challenge = createChallenge({ username: "mallory", serverName: "h", secret: "s", key: null, now: at(1e9) });
    const response = await createResponse(challenge.text, key.signer, { expectedServerName: "h" });
    expect(response.fingerprintMatches).toBe(false);
    await expectAuthErrorAsync(() => verifyResponse(response.text, { secret: "s", serverName: "h", now: at(1e9), lookupKey: () => null }), "unknown_key");
  });
});
