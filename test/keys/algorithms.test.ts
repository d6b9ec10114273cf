import crypto from "node:crypto";
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { keyFitsScheme } from "../../strategy/client/agent-key-choice.js";
import { createJwtToken } from "../../strategy/client/jwt.js";
import { loadKeyFileSigner } from "../../strategy/client/key-file-signer.js";
import type { ClientSigner } from "../../strategy/client/signature.js";
import {
  crtauthKeyTypes,
  jwsAlgorithms,
  jwsAlgorithmsFor,
  schemeKeyTypes,
  sshauthKeyTypes,
  sshKeyTypes,
  sshsigKeyTypes,
  sshRsaSignatures,
} from "../../strategy/keys/algorithms.js";
import { keyTypeRules } from "../../strategy/keys/policy.js";
import type { SshKeyType } from "../../strategy/keys/types.js";
import { lookupJwsAlgorithm } from "../../strategy/schemes/jwt/algorithms.js";
import { decodeJwt } from "../../strategy/schemes/jwt/decode.js";
import { verifyJwsSignature } from "../../strategy/schemes/jwt/verify-signature.js";
import { signSshauthToken } from "../../strategy/schemes/sshauth/sign.js";
import { verifySshauthToken } from "../../strategy/schemes/sshauth/verify.js";
import { freshKeyPair } from "../support/fresh-keys.js";

const fixture = (name: string) => readFileSync(new URL(`../fixtures/keys/${name}`, import.meta.url), "utf8");

/** One signer per key type: fixed fixture keys where there are some, EC keys (fast) made here. */
const signers = new Map<SshKeyType, ClientSigner>();

beforeAll(async () => {
  const pkcs8 = (curve: string) => freshKeyPair("ec", { namedCurve: curve }).privateKey.export({ type: "pkcs8", format: "pem" }).toString();
  const sources: [SshKeyType, string][] = [
    ["ssh-rsa", fixture("ajwt/rsa2048.pem")],
    ["ssh-ed25519", fixture("ajwt/ed25519.pem")],
    ["ecdsa-sha2-nistp256", fixture("sshauth/ecdsa256")],
    ["ecdsa-sha2-nistp384", pkcs8("secp384r1")],
    ["ecdsa-sha2-nistp521", pkcs8("secp521r1")],
  ];
  for (const [type, text] of sources) signers.set(type, await loadKeyFileSigner({ text }));
});

const signerFor = (type: SshKeyType) => signers.get(type)!;

/** The rows node:crypto can make a key of: security keys live in hardware. */
const plainKeyTypes = () => [...sshKeyTypes].filter(([, info]) => !info.securityKey);

describe("the key-type table", () => {
  it("is what the policy stores: every type, nothing else", () => {
    expect([...keyTypeRules.keys()]).toEqual([...sshKeyTypes.keys()]);
    for (const [type, info] of sshKeyTypes) expect(keyTypeRules.get(type)).toMatchObject(info);
  });

  it("labels each type as people know it", () => {
    expect(Object.fromEntries([...sshKeyTypes].map(([type, info]) => [type, info.label]))).toEqual({
      "ssh-rsa": "RSA",
      "ssh-ed25519": "Ed25519",
      "ecdsa-sha2-nistp256": "ECDSA P-256",
      "ecdsa-sha2-nistp384": "ECDSA P-384",
      "ecdsa-sha2-nistp521": "ECDSA P-521",
      "sk-ssh-ed25519@openssh.com": "Ed25519 security key",
      "sk-ecdsa-sha2-nistp256@openssh.com": "ECDSA P-256 security key",
    });
  });

  it("a security key's row is its plain key's, flagged, naming that plain type", () => {
    for (const [type, info] of sshKeyTypes) {
      const plain = sshKeyTypes.get(info.plainType)!;
      expect(plain.securityKey, type).toBe(false);
      expect(info.securityKey, type).toBe(type.startsWith("sk-"));
      // Only a plain key's signature is an RFC 9421 one: a security key's adds flags and a counter.
      if (info.securityKey)
        expect({
          ...info,
          type: plain.type,
          label: plain.label,
          securityKey: false,
          httpSignatureAlg: plain.httpSignatureAlg,
          policyName: plain.policyName,
        }).toEqual(plain);
      else expect(info.plainType).toBe(type);
    }
  });

  it("describes the keys node:crypto makes for each type", () => {
    for (const [type, info] of plainKeyTypes()) {
      const signer = signerFor(type);
      expect(signer.publicKey.type).toBe(type);
      expect(signer.publicKey.curve).toBe(info.curve);
      expect(signer.publicKey.keyObject.asymmetricKeyDetails?.namedCurve).toBe(info.nodeCurve ?? undefined);
    }
  });

  it("ECDSA rows pair each curve with its RFC 5656 hash, and node's r‖s has twice the scalar length", async () => {
    const ecdsa = Object.fromEntries(
      plainKeyTypes()
        .filter(([, info]) => info.ecdsa)
        .map(([type, info]) => [type, info.ecdsa]),
    );
    expect(ecdsa).toEqual({
      "ecdsa-sha2-nistp256": { hash: "sha256", scalarBytes: 32 },
      "ecdsa-sha2-nistp384": { hash: "sha384", scalarBytes: 48 },
      "ecdsa-sha2-nistp521": { hash: "sha512", scalarBytes: 66 },
    });
    for (const [type, parameters] of Object.entries(ecdsa) as [SshKeyType, { hash: string; scalarBytes: number }][]) {
      const signer = signerFor(type);
      const data = Buffer.from("signed data");
      const signature = await signer.sign(data);
      expect(signature).toHaveLength(2 * parameters.scalarBytes);
      const key = { key: signer.publicKey.keyObject, dsaEncoding: "ieee-p1363" as const };
      expect(crypto.verify(parameters.hash, data, key, signature)).toBe(true);
      expect(crypto.verify("sha1", data, key, signature)).toBe(false);
    }
  });
});

describe("JWS rows: what the client signs, the verifier accepts", () => {
  for (const algorithm of Object.values(jwsAlgorithms)) {
    it(`${algorithm.name} with ${algorithm.keyType}`, async () => {
      const signer = signerFor(algorithm.keyType);
      const jwt = decodeJwt(await createJwtToken({ signer, username: "alice", algorithm: algorithm.name, nonce: "n", now: () => 0 }));
      expect(jwt.alg).toBe(algorithm.name);
      expect(lookupJwsAlgorithm(jwt.alg)).toBe(algorithm);
      expect(verifyJwsSignature(jwt, signer.publicKey.keyObject, algorithm)).toBe(true);

      const tampered = { ...jwt, signingInput: Buffer.concat([jwt.signingInput, Buffer.from("x")]) };
      expect(verifyJwsSignature(tampered, signer.publicKey.keyObject, algorithm)).toBe(false);
      // The same key under another row of its type (another hash) does not verify either.
      for (const other of jwsAlgorithmsFor(algorithm.keyType)) {
        if (other !== algorithm) expect(verifyJwsSignature(jwt, signer.publicKey.keyObject, other)).toBe(false);
      }
      if (algorithm.ecdsa) expect(jwt.signature).toHaveLength(2 * sshKeyTypes.get(algorithm.keyType)!.ecdsa!.scalarBytes);
      if (algorithm.ecdsa) expect(algorithm.hash).toBe(sshKeyTypes.get(algorithm.keyType)!.ecdsa!.hash);
    });
  }

  it("a client sends each key type's first row by default and refuses another type's alg", async () => {
    for (const [type] of plainKeyTypes()) {
      const [first] = jwsAlgorithmsFor(type);
      const signer = signerFor(type);
      expect(decodeJwt(await createJwtToken({ signer, username: "alice" })).alg).toBe(first!.name);
      const foreign = Object.values(jwsAlgorithms).find((a) => a.keyType !== type)!;
      await expect(createJwtToken({ signer, username: "alice", algorithm: foreign.name })).rejects.toThrow(TypeError);
    }
  });

  it("the verifier knows no alg outside the table, whatever its spelling", () => {
    for (const alg of ["none", "HS256", "PS256", "rs256", "__proto__", "toString", "constructor"]) {
      expect(lookupJwsAlgorithm(alg)).toBeUndefined();
    }
  });
});

describe("which scheme signs with which key type", () => {
  it("JWT has an algorithm for every plain key type, none for security keys", () => {
    for (const [type, info] of sshKeyTypes) {
      expect(jwsAlgorithmsFor(type).length > 0, type).toBe(!info.securityKey);
      expect(keyFitsScheme({ type }, "jwt"), type).toBe(!info.securityKey);
    }
  });

  it("the client's key choice follows the table, and knows no other scheme", () => {
    for (const type of sshKeyTypes.keys()) {
      expect(keyFitsScheme({ type }, "sshauth")).toBe(sshauthKeyTypes.has(type));
      expect(keyFitsScheme({ type }, "crtauth")).toBe(crtauthKeyTypes.has(type));
      expect(keyFitsScheme({ type }, "sshsig")).toBe(sshsigKeyTypes.has(type));
      expect(schemeKeyTypes.rfc9421.has(type)).toBe(sshKeyTypes.get(type)!.httpSignatureAlg !== null);
    }
    expect(keyFitsScheme({ type: "ssh-rsa" }, "toString" as never)).toBe(false);
    expect(Object.keys(schemeKeyTypes)).toEqual(["jwt", "sshauth", "crtauth", "sshsig", "rfc9421"]);
  });

  it("sshauth signs and verifies with exactly its key types", async () => {
    for (const [type] of plainKeyTypes()) {
      const signer = signerFor(type);
      const sign = signSshauthToken({ signer, identity: "alice", timestamp: 1_700_000_000 });
      if (!sshauthKeyTypes.has(type)) {
        await expect(sign).rejects.toThrow(TypeError);
        continue;
      }
      const verified = await verifySshauthToken(await sign, { candidates: [signer.publicKey], now: 1_700_000_000 });
      expect(verified.fingerprintSha256).toBe(signer.publicKey.fingerprintSha256);
    }
  });

  it("RSA signature names: each hash the agent can be asked for, SHA-1 as plain ssh-rsa", () => {
    expect(sshRsaSignatures).toEqual({
      sha1: { algorithm: "ssh-rsa", agentFlag: 0 },
      sha256: { algorithm: "rsa-sha2-256", agentFlag: 2 },
      sha512: { algorithm: "rsa-sha2-512", agentFlag: 4 },
    });
  });
});
