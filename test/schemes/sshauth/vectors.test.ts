import { describe, expect, it } from "vitest";
import { AuthError } from "../../../strategy/errors.js";
import { signSshauthToken } from "../../../strategy/schemes/sshauth/sign.js";
import { signedMessage, signingBlob } from "../../../strategy/schemes/sshauth/signed-message.js";
import { decodeSshauthToken, tokenParts } from "../../../strategy/schemes/sshauth/token-codec.js";
import { verifySshauthToken } from "../../../strategy/schemes/sshauth/verify.js";
import type { ParsedPublicKey } from "../../../strategy/keys/types.js";
import { EDGE_CASES, generatedSigner, keyFileSigner, publicKeyFile, VECTORS } from "./fixtures.js";

const ed25519 = publicKeyFile("keys/sshauth/ed25519.pub");
const ecdsa = publicKeyFile("keys/sshauth/ecdsa256.pub");
const keyFor = (path: string) => publicKeyFile(path);
const otherKey = (path: string) => (path.includes("ed25519") ? ecdsa : ed25519);

async function refusal(promise: Promise<unknown>): Promise<AuthError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(AuthError);
    return err as AuthError;
  }
  throw new Error("expected an AuthError, but verification succeeded");
}

describe("sshauth golden vectors", () => {
  it("fixture keys have the documented fingerprints", () => {
    expect(ed25519.fingerprintSha256).toBe("SHA256:nHRWMVNwyE4XvjwhYf2KVE7ogehml0E4GTo6HRYhdYI");
    expect(ecdsa.fingerprintSha256).toBe("SHA256:TSjI8mHhvhKIvAmc6k/RDgY6k8dVwd5F6/cuWDmmSjY");
  });

  for (const v of VECTORS) {
    describe(v.id, () => {
      const key = keyFor(v.public_key);
      const base = { candidates: [key], magic: v.magic_prefix, actions: v.actions, maxSkewSeconds: v.max_skew_seconds };

      it("decodes to the recorded fields and lookup hints", () => {
        const token = decodeSshauthToken(v.token);
        expect(token.untrustedIdentity).toBe(v.identity);
        expect(token.untrustedFingerprint).toBe(v.include_fingerprint ? v.fingerprint : null);
        expect(token.algorithm).toBe(v.algorithm === "Ed25519" ? "ssh-ed25519" : "ecdsa-sha2-nistp256");
        const parts = tokenParts(token);
        expect(parts.signed.timestamp).toBe(BigInt(v.time));
        expect(parts.signatureData.toString("hex")).toBe(v.signature_hex);
        expect(Buffer.from(v.token, "base64url").toString("hex")).toBe(v.raw_token_hex);
      });

      it("rebuilds the signing blob and the 52 signed bytes exactly", () => {
        const { signed } = tokenParts(decodeSshauthToken(v.token));
        expect(signingBlob(signed, v.actions).toString("hex")).toBe(v.signing_blob_hex);
        const message = signedMessage(signed, v.actions, v.magic_prefix);
        expect(message).toHaveLength(52);
        expect(message.toString("hex")).toBe(v.packed_signed_bytes_hex);
      });

      for (const now of v.accept_at) {
        it(`verifies at now=${now} (${now - v.time >= 0 ? "+" : ""}${now - v.time} s)`, async () => {
          const verified = await verifySshauthToken(v.token, { ...base, now });
          expect(verified.candidate).toBe(key);
          expect(verified.fingerprintSha256).toBe(v.fingerprint);
          expect(verified.identity).toBe(v.identity);
          expect(verified.timestamp).toBe(v.time);
          expect(verified.replayId).toMatch(/^[0-9a-f]{64}$/);
          expect(verified.replayExpiresAt.getTime()).toBe((v.time + v.max_skew_seconds + 1) * 1000);
        });
      }

      for (const now of v.reject_at) {
        it(`refuses at now=${now} with clock_skew`, async () => {
          const err = await refusal(verifySshauthToken(v.token, { ...base, now }));
          expect(err.code).toBe("clock_skew");
          const way = now > v.time ? "behind" : "ahead of";
          const serverTime = new Date(now * 1000).toISOString().replace(".000Z", "Z");
          expect(err.message).toBe(`token time is ${Math.abs(now - v.time)} s ${way} the server (server time ${serverTime}, allowed ±${v.max_skew_seconds} s)`);
          expect(err.detail).toMatchObject({ delta: String(Math.abs(now - v.time)) });
        });
      }

      it("verifies with a Date for now", async () => {
        await expect(verifySshauthToken(v.token, { ...base, now: new Date(v.time * 1000 + 999) })).resolves.toBeTruthy();
      });

      it("refuses another magic", async () => {
        const magic = v.magic_prefix === "byo.e.m." ? "myapp-v1" : "byo.e.m.";
        expect((await refusal(verifySshauthToken(v.token, { ...base, magic, now: v.time }))).code).toBe("bad_signature");
      });

      it("refuses a changed, missing, extra or reordered action", async () => {
        const variants: [string, string][][] = [[...v.actions, ["extra", "1"]], [...v.actions].reverse()];
        if (v.actions.length > 0) {
          variants.push(v.actions.slice(1));
          variants.push(v.actions.map(([k, val], i) => [k, i === 0 ? val + "x" : val]));
          variants.push(v.actions.map(([k, val], i) => [i === 0 ? k.toUpperCase() : k, val]));
        }
        for (const actions of variants) {
          if (JSON.stringify(actions) === JSON.stringify(v.actions)) continue;
          const err = await refusal(verifySshauthToken(v.token, { ...base, actions, now: v.time }));
          expect(err.code).toBe("bad_signature");
        }
      });

      it("refuses the other fixture key (wrong algorithm: unknown_key) and a same-type stranger (bad_signature)", async () => {
        const other = await refusal(verifySshauthToken(v.token, { ...base, candidates: [otherKey(v.public_key)], now: v.time }));
        expect(other.code).toBe("unknown_key");
        const stranger = generatedSigner(v.algorithm === "Ed25519" ? "ed25519" : "p256").publicKey;
        const err = await refusal(verifySshauthToken(v.token, { ...base, candidates: [stranger], now: v.time }));
        expect(err.code).toBe("bad_signature");
      });

      it("tries candidates in order: a stranger first, then the right key", async () => {
        const stranger = generatedSigner(v.algorithm === "Ed25519" ? "ed25519" : "p256").publicKey;
        const verified = await verifySshauthToken(v.token, { ...base, candidates: [otherKey(v.public_key), stranger, key], now: v.time });
        expect(verified.candidate).toBe(key);
      });

      it("re-signing with the key file reproduces the token byte for byte", async () => {
        const signer = keyFileSigner(v.private_key);
        const token = await signSshauthToken({
          signer,
          ...(v.identity === null ? {} : { identity: v.identity }),
          includeFingerprint: v.include_fingerprint,
          magic: v.magic_prefix,
          actions: v.actions,
          timestamp: v.time,
        });
        expect(token).toBe(v.token);
      });
    });
  }
});

describe("sshauth edge cases from vectors.json", () => {
  const expectedCode: Record<string, string> = {
    "fingerprint mismatch": "fingerprint_mismatch",
    "invalid token": "malformed_token",
  };
  for (const edge of EDGE_CASES) {
    it(`${edge.id}: ${edge.expect_error ?? "accepted"}`, async () => {
      const key = publicKeyFile(edge.verify_with);
      const attempt = verifySshauthToken(edge.token, { candidates: [key], now: edge.now });
      if (edge.expect_error === null) {
        const verified = await attempt;
        expect(verified.fingerprintSha256).toBe(key.fingerprintSha256);
      } else {
        const err = await refusal(attempt);
        expect(err.code).toBe(expectedCode[edge.expect_error]);
      }
    });
  }

  it("the fingerprint mismatch is detected only after the signature verified", async () => {
    const edge = EDGE_CASES.find((e) => e.id === "neg-fingerprint-mismatch")!;
    const token = decodeSshauthToken(edge.token);
    expect(token.untrustedFingerprint).toBe(ecdsa.fingerprintSha256);
    expect(token.algorithm).toBe("ssh-ed25519");
    const tryWith = (candidates: ParsedPublicKey[]) => refusal(verifySshauthToken(edge.token, { candidates, now: edge.now }));
    // The claimed (ECDSA) key is of the wrong algorithm: skipped, never compared.
    expect((await tryWith([ecdsa])).code).toBe("unknown_key");
    // A stranger Ed25519 key: the signature fails first.
    expect((await tryWith([generatedSigner("ed25519").publicKey])).code).toBe("bad_signature");
    // The real signer: signature good, then the fingerprint check is a hard failure,
    // even with a later candidate that would match the claimed fingerprint.
    expect((await tryWith([ed25519, ecdsa])).code).toBe("fingerprint_mismatch");
  });
});
