import { describe, expect, it } from "vitest";
import { AuthError } from "../../../strategy/errors.js";
import { fingerprintSha256 } from "../../../strategy/keys/fingerprint.js";
import { bindingActions } from "../../../strategy/schemes/sshauth/binding.js";
import { signSshauthToken } from "../../../strategy/schemes/sshauth/sign.js";
import { signedMessage } from "../../../strategy/schemes/sshauth/signed-message.js";
import { ecdsaP256MpintsToP1363, ecdsaP256P1363ToMpints } from "../../../strategy/schemes/sshauth/signature.js";
import { decodeSshauthToken, encodeSshauthToken, tokenParts } from "../../../strategy/schemes/sshauth/token-codec.js";
import { verifySshauthToken, type SshauthKeyHints } from "../../../strategy/schemes/sshauth/verify.js";
import { generatedSigner, keyFileSigner, publicKeyFile, VECTORS } from "./fixtures.js";

const T = 1_700_000_000;
const ed = keyFileSigner("keys/sshauth/ed25519");
const ec = keyFileSigner("keys/sshauth/ecdsa256");

async function code(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof AuthError) return err.code;
    throw err;
  }
  return "verified";
}

describe("verifySshauthToken behaviour", () => {
  it("names the verifying key's fingerprint the same on every token it signs (kept per key, not re-hashed)", async () => {
    const expected = fingerprintSha256(ec.publicKey.blob);
    for (let i = 0; i < 3; i++) {
      const token = await signSshauthToken({ signer: ec, identity: "alice", includeFingerprint: i === 1, timestamp: T + i });
      const verified = await verifySshauthToken(token, { candidates: [ec.publicKey], now: T });
      expect(verified.fingerprintSha256).toBe(expected);
    }
    // The replay id still depends on the signed message: two tokens, two ids.
    const a = await verifySshauthToken(await signSshauthToken({ signer: ec, identity: "alice", timestamp: T }), { candidates: [ec.publicKey], now: T });
    const b = await verifySshauthToken(await signSshauthToken({ signer: ec, identity: "alice", timestamp: T + 1 }), { candidates: [ec.publicKey], now: T });
    expect(a.replayId).toMatch(/^[0-9a-f]{64}$/);
    expect(a.replayId).not.toBe(b.replayId);
  });

  it("checks the clock only after the signature", async () => {
    const token = await signSshauthToken({ signer: ed, identity: "alice", timestamp: T });
    const stranger = generatedSigner("ed25519").publicKey;
    expect(await code(verifySshauthToken(token, { candidates: [stranger], now: T + 3600 }))).toBe("bad_signature");
    expect(await code(verifySshauthToken(token, { candidates: [ed.publicKey], now: T + 3600 }))).toBe("clock_skew");
  });

  it("honours maxSkewSeconds, inclusive, both directions", async () => {
    const token = await signSshauthToken({ signer: ed, identity: "alice", timestamp: T });
    const at = (now: number, maxSkewSeconds: number) => code(verifySshauthToken(token, { candidates: [ed.publicKey], now, maxSkewSeconds }));
    expect(await at(T + 5, 5)).toBe("verified");
    expect(await at(T - 5, 5)).toBe("verified");
    expect(await at(T + 6, 5)).toBe("clock_skew");
    expect(await at(T - 6, 5)).toBe("clock_skew");
    expect(await at(T, 0)).toBe("verified");
    expect(await at(T + 1, 0)).toBe("clock_skew");
    // Fractional now is truncated like upstream's as_secs().
    expect(await at(T + 5.999, 5)).toBe("verified");
  });

  it("a far-future u64 timestamp is clock_skew, not a crash", async () => {
    const parts = tokenParts(decodeSshauthToken(await signSshauthToken({ signer: ed, identity: "alice", timestamp: T })));
    parts.signed.timestamp = 0xffff_ffff_ffff_ffffn;
    const sig = await ed.sign(signedMessage(parts.signed));
    const token = encodeSshauthToken({ ...parts, signatureData: sig });
    expect(await code(verifySshauthToken(token, { candidates: [ed.publicKey], now: T }))).toBe("clock_skew");
  });

  it("passes untrusted hints to a lookup function, only after structure checks", async () => {
    const token = await signSshauthToken({ signer: ec, identity: "bob", includeFingerprint: true, timestamp: T });
    const seen: SshauthKeyHints[] = [];
    const verified = await verifySshauthToken(token, {
      candidates: async (hints) => {
        seen.push(hints);
        return [ec.publicKey];
      },
      now: T,
    });
    expect(verified.identity).toBe("bob");
    expect(seen).toEqual([{ fingerprintSha256: ec.publicKey.fingerprintSha256, identity: "bob", algorithm: "ecdsa-sha2-nistp256" }]);

    // A malformed signature is refused before the lookup runs.
    const parts = tokenParts(decodeSshauthToken(token));
    const broken = encodeSshauthToken({ ...parts, signatureData: Buffer.concat([parts.signatureData, Buffer.of(0)]) });
    let called = false;
    const c = await code(
      verifySshauthToken(broken, {
        candidates: () => {
          called = true;
          return [ec.publicKey];
        },
        now: T,
      }),
    );
    expect(c).toBe("malformed_token");
    expect(called).toBe(false);
  });

  it("upstream's fake-signature sample is malformed_token (empty mpint)", async () => {
    const sample = "AAAAgMDg6AYASQAAAACgNWsplpL5b-ywIeYnt_SM91SS-lM-t_9tTqOcHtHe-gAAAABy3rR99CgKGT3Qtmd3RORctkc3Wc1fgpPAzQPYHln3tP8";
    expect(await code(verifySshauthToken(sample, { candidates: [ec.publicKey], now: 1830297600 }))).toBe("malformed_token");
  });

  it("Ed25519 data of the wrong length is malformed_token", async () => {
    const parts = tokenParts(decodeSshauthToken(await signSshauthToken({ signer: ed, identity: "alice", timestamp: T })));
    for (const len of [0, 63, 65]) {
      const token = encodeSshauthToken({ ...parts, signatureData: Buffer.alloc(len) });
      expect(await code(verifySshauthToken(token, { candidates: [ed.publicKey], now: T }))).toBe("malformed_token");
    }
  });

  it("no candidates, or none of the token's algorithm, is unknown_key", async () => {
    const token = await signSshauthToken({ signer: ed, identity: "alice", timestamp: T });
    expect(await code(verifySshauthToken(token, { candidates: [], now: T }))).toBe("unknown_key");
    const others = [ec.publicKey, generatedSigner("p384").publicKey, generatedSigner("rsa").publicKey];
    expect(await code(verifySshauthToken(token, { candidates: others, now: T }))).toBe("unknown_key");
  });

  it("a key whose material does not match its declared type is skipped", async () => {
    const token = await signSshauthToken({ signer: ed, identity: "alice", timestamp: T });
    const liar = { ...ec.publicKey, type: "ssh-ed25519" as const };
    expect(await code(verifySshauthToken(token, { candidates: [liar], now: T }))).toBe("unknown_key");
    const liar2 = { ...ed.publicKey, type: "ecdsa-sha2-nistp256" as const };
    const ecToken = await signSshauthToken({ signer: ec, identity: "alice", timestamp: T });
    expect(await code(verifySshauthToken(ecToken, { candidates: [liar2], now: T }))).toBe("unknown_key");
  });

  it("accepts high-S ECDSA signatures (p256 does not enforce low-S) with the same replay id", async () => {
    const N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
    const token = await signSshauthToken({ signer: ec, includeFingerprint: true, timestamp: T });
    const parts = tokenParts(decodeSshauthToken(token));
    const p1363 = ecdsaP256MpintsToP1363(parts.signatureData)!;
    const s = BigInt("0x" + p1363.subarray(32).toString("hex"));
    const twin = Buffer.concat([p1363.subarray(0, 32), Buffer.from((N - s).toString(16).padStart(64, "0"), "hex")]);
    const malleated = encodeSshauthToken({ ...parts, signatureData: ecdsaP256P1363ToMpints(twin) });
    expect(malleated).not.toBe(token);
    const a = await verifySshauthToken(token, { candidates: [ec.publicKey], now: T });
    const b = await verifySshauthToken(malleated, { candidates: [ec.publicKey], now: T });
    expect(b.replayId).toBe(a.replayId);
  });

  it("replay id: same for re-signed copies of one message, different when anything signed differs", async () => {
    const agentLike = generatedSigner("p256"); // random nonces: different signature bytes each time
    const make = (over: Partial<Parameters<typeof signSshauthToken>[0]> = {}) =>
      signSshauthToken({ signer: agentLike, identity: "alice", timestamp: T, actions: [["a", "b"]], ...over });
    const verify = (token: string, actions: [string, string][] = [["a", "b"]]) =>
      verifySshauthToken(token, { candidates: [agentLike.publicKey], now: T, actions });
    const t1 = await make();
    const t2 = await make();
    expect(t1).not.toBe(t2);
    const id1 = (await verify(t1)).replayId;
    expect((await verify(t2)).replayId).toBe(id1);
    expect((await verify(await make({ timestamp: T + 1 }))).replayId).not.toBe(id1);
    expect((await verify(await make({ actions: [["a", "c"]] }), [["a", "c"]])).replayId).not.toBe(id1);
    expect((await verify(await make({ identity: "alice2" }))).replayId).not.toBe(id1);
  });

  it("works over wrapped candidates with keyOf (e.g. KeyCandidate rows)", async () => {
    const token = await signSshauthToken({ signer: ed, includeFingerprint: true, timestamp: T });
    const rows = [
      { id: "k1", parsed: ec.publicKey },
      { id: "k2", parsed: ed.publicKey },
    ];
    const verified = await verifySshauthToken(token, { candidates: rows, keyOf: (row) => row.parsed, now: T });
    expect(verified.candidate.id).toBe("k2");
  });

  it("accepts an already-decoded UnverifiedSshauthToken", async () => {
    const v = VECTORS[0]!;
    const decoded = decodeSshauthToken(v.token);
    const verified = await verifySshauthToken(decoded, {
      candidates: [publicKeyFile(v.public_key)],
      actions: v.actions,
      now: v.time,
    });
    expect(verified.identity).toBe("alice");
  });

  it("throws TypeError for misuse of options", async () => {
    const token = VECTORS[0]!.token;
    const key = publicKeyFile(VECTORS[0]!.public_key);
    await expect(verifySshauthToken(token, { candidates: [key], magic: "short" })).rejects.toThrow(TypeError);
    await expect(verifySshauthToken(token, { candidates: [key], magic: Buffer.alloc(9) })).rejects.toThrow(TypeError);
    await expect(verifySshauthToken(token, { candidates: [key], now: Date.now() })).rejects.toThrow(/UNIX seconds/);
    await expect(verifySshauthToken(token, { candidates: [key], now: Number.NaN })).rejects.toThrow(TypeError);
    await expect(verifySshauthToken(token, { candidates: [key], maxSkewSeconds: -1 })).rejects.toThrow(TypeError);
    await expect(verifySshauthToken(token, { candidates: [key], actions: [["a"]] as unknown as [string, string][] })).rejects.toThrow(TypeError);
  });

  it("uses the wall clock by default", async () => {
    const token = await signSshauthToken({ signer: ed, identity: "alice" });
    await expect(verifySshauthToken(token, { candidates: [ed.publicKey] })).resolves.toBeTruthy();
  });
});

describe("request binding through actions", () => {
  const request = { method: "post", pathWithQuery: "/v1/things?x=1&y=%20", host: "API.Example.com:8443", body: '{"a":1}' };

  it("builds the documented v1 list", () => {
    expect(bindingActions(request)).toEqual([
      ["sshauth-binding", "v1"],
      ["method", "POST"],
      ["path", "/v1/things?x=1&y=%20"],
      ["host", "api.example.com:8443"],
      ["body-sha256", "AVq9f1zFei3ZS3WQ8ErYCEJzkF7jPsXOvq5iJ2qX-GI"],
    ]);
    expect(bindingActions({ method: "GET", pathWithQuery: "", host: "h" })).toEqual([
      ["sshauth-binding", "v1"],
      ["method", "GET"],
      ["path", "/"],
      ["host", "h"],
      ["body-sha256", "47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU"],
    ]);
    // Empty body, null body and no body are the same; bytes and UTF-8 text are the same.
    expect(bindingActions({ ...request, body: "" })).toEqual(bindingActions({ ...request, body: null }));
    expect(bindingActions({ ...request, body: Buffer.from('{"a":1}') })).toEqual(bindingActions(request));
    // Only ASCII case folding: non-ASCII is left alone.
    expect(bindingActions({ ...request, host: "ÉX.com" })[3]).toEqual(["host", "Éx.com"]);
  });

  for (const signer of [ed, ec]) {
    it(`${signer.publicKey.type}: verifies the same request, refuses each field changed`, async () => {
      const token = await signSshauthToken({
        signer,
        identity: "alice",
        magic: "myapp-v1",
        actions: bindingActions(request),
        timestamp: T,
      });
      const check = (req: typeof request) =>
        code(verifySshauthToken(token, { candidates: [signer.publicKey], magic: "myapp-v1", actions: bindingActions(req), now: T }));
      expect(await check(request)).toBe("verified");
      expect(await check({ ...request, method: "POST" })).toBe("verified"); // case-folded
      expect(await check({ ...request, host: "api.example.COM:8443" })).toBe("verified");
      expect(await check({ ...request, method: "PUT" })).toBe("bad_signature");
      expect(await check({ ...request, pathWithQuery: "/v1/things?x=2&y=%20" })).toBe("bad_signature");
      expect(await check({ ...request, pathWithQuery: "/v1/things?x=1&y=+" })).toBe("bad_signature");
      expect(await check({ ...request, pathWithQuery: "/v1/things" })).toBe("bad_signature");
      expect(await check({ ...request, pathWithQuery: "/v1/Things?x=1&y=%20" })).toBe("bad_signature");
      expect(await check({ ...request, host: "evil.example.com:8443" })).toBe("bad_signature");
      expect(await check({ ...request, host: "api.example.com" })).toBe("bad_signature");
      expect(await check({ ...request, body: '{"a":2}' })).toBe("bad_signature");
      expect(await check({ ...request, body: "" })).toBe("bad_signature");
      // Same request, default magic: refused.
      expect(await code(verifySshauthToken(token, { candidates: [signer.publicKey], actions: bindingActions(request), now: T }))).toBe("bad_signature");
    });
  }
});
