import { describe, expect, it } from "vitest";
import { signSshauthToken } from "../../../strategy/schemes/sshauth/sign.js";
import { decodeSshauthToken } from "../../../strategy/schemes/sshauth/token-codec.js";
import { verifySshauthToken } from "../../../strategy/schemes/sshauth/verify.js";
import { generatedSigner, keyFileSigner } from "./fixtures.js";

const T = 1_700_000_000;

describe("signSshauthToken", () => {
  it("ECDSA with random nonces (agent-like) round-trips, signature sizes vary but verify", async () => {
    const signer = generatedSigner("p256");
    for (let i = 0; i < 20; i++) {
      const token = await signSshauthToken({ signer, includeFingerprint: true, actions: [["i", String(i)]], timestamp: T });
      const verified = await verifySshauthToken(token, { candidates: [signer.publicKey], actions: [["i", String(i)]], now: T });
      expect(verified.fingerprintSha256).toBe(signer.publicKey.fingerprintSha256);
      expect(token).not.toContain("=");
      expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
    }
  });

  it("Ed25519 from a generated key round-trips with identity and fingerprint", async () => {
    const signer = generatedSigner("ed25519");
    const token = await signSshauthToken({ signer, identity: "some_user-01", includeFingerprint: true, timestamp: T });
    const decoded = decodeSshauthToken(token);
    expect(decoded.untrustedIdentity).toBe("some_user-01");
    expect(decoded.untrustedFingerprint).toBe(signer.publicKey.fingerprintSha256);
    const verified = await verifySshauthToken(token, { candidates: [signer.publicKey], now: T });
    expect(verified.identity).toBe("some_user-01");
  });

  it("token length is in the documented range", async () => {
    const ed = keyFileSigner("keys/sshauth/ed25519");
    expect((await signSshauthToken({ signer: ed, identity: "alice", timestamp: T })).length).toBeLessThan(127);
    const withFp = await signSshauthToken({ signer: ed, identity: "alice", includeFingerprint: true, timestamp: T });
    expect(withFp.length).toBeGreaterThan(140);
    expect(withFp.length).toBeLessThan(160);
  });

  it("refuses misuse with TypeError", async () => {
    const ed = keyFileSigner("keys/sshauth/ed25519");
    await expect(signSshauthToken({ signer: ed, timestamp: T })).rejects.toThrow(/identity or a fingerprint/);
    await expect(signSshauthToken({ signer: ed, includeFingerprint: false, timestamp: T })).rejects.toThrow(TypeError);
    for (const identity of ["a", "", "../etc", "has space", "é1"]) {
      await expect(signSshauthToken({ signer: ed, identity, timestamp: T })).rejects.toThrow(TypeError);
    }
    await expect(signSshauthToken({ signer: ed, identity: "alice", timestamp: -1 })).rejects.toThrow(TypeError);
    await expect(signSshauthToken({ signer: ed, identity: "alice", timestamp: 1.5 })).rejects.toThrow(TypeError);
    await expect(signSshauthToken({ signer: ed, identity: "alice", magic: "1234567" })).rejects.toThrow(TypeError);
    for (const kind of ["rsa", "p384"] as const) {
      await expect(signSshauthToken({ signer: generatedSigner(kind), identity: "alice" })).rejects.toThrow(/supports/);
    }
  });

  it("refuses a signer that returns a malformed signature", async () => {
    const ed = keyFileSigner("keys/sshauth/ed25519");
    const bad = { ...ed, sign: async () => Buffer.alloc(63) };
    await expect(signSshauthToken({ signer: bad, identity: "alice", timestamp: T })).rejects.toThrow(/64/);
    const ec = keyFileSigner("keys/sshauth/ecdsa256");
    const badEc = { ...ec, sign: async () => Buffer.alloc(72) };
    await expect(signSshauthToken({ signer: badEc, identity: "alice", timestamp: T })).rejects.toThrow(RangeError);
  });

  it("signs exactly one 52-byte message per token", async () => {
    const ed = keyFileSigner("keys/sshauth/ed25519");
    const seen: number[] = [];
    const spy = { ...ed, sign: async (data: Buffer) => (seen.push(data.length), ed.sign(data)) };
    await signSshauthToken({ signer: spy, identity: "alice", timestamp: T });
    expect(seen).toEqual([52]);
  });
});
