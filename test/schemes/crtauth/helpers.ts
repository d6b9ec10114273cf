import { createHash, createPrivateKey, createPublicKey, sign, type KeyObject } from "node:crypto";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { expect } from "vitest";
import type { Signer } from "../../../strategy/client/signer.js";
import { AuthError, type AuthErrorCode } from "../../../strategy/errors.js";
import type { ParsedPublicKey } from "../../../strategy/keys/types.js";
import { freshKeyPair } from "../../support/fresh-keys.js";

const fixtures = fileURLToPath(new URL("../../fixtures/crtauth/", import.meta.url));

export const vectors = JSON.parse(readFileSync(`${fixtures}vectors.json`, "utf8")) as Vectors;

export const hex = (s: string): Buffer => Buffer.from(s, "hex");
export const b64 = (s: string): Buffer => Buffer.from(s, "base64url");

/** Asserts `fn` throws an AuthError with `code` (sync or async). */
export function expectAuthError(fn: () => unknown, code: AuthErrorCode): AuthError {
  let thrown: unknown;
  try {
    fn();
  } catch (err) {
    thrown = err;
  }
  expect(thrown, "expected an AuthError").toBeInstanceOf(AuthError);
  expect((thrown as AuthError).code).toBe(code);
  return thrown as AuthError;
}

/** Runs `decode` on `bytes` with each byte replaced by each of `values`: it may refuse, but only with AuthError. */
export function expectOnlyAuthErrorsPerByte(bytes: Buffer, values: readonly number[], decode: (bytes: Buffer) => unknown): void {
  for (let i = 0; i < bytes.length; i++) {
    for (const x of values) {
      const copy = Buffer.from(bytes);
      copy[i] = x;
      expectOnlyAuthError(() => decode(copy));
    }
  }
}

/** Runs `fn`; a throw other than AuthError fails the test. */
export function expectOnlyAuthError(fn: () => unknown): void {
  try {
    fn();
  } catch (err) {
    if (!(err instanceof AuthError)) throw err;
  }
}

export async function expectAuthErrorAsync(fn: () => Promise<unknown>, code: AuthErrorCode): Promise<AuthError> {
  let thrown: unknown;
  try {
    await fn();
  } catch (err) {
    thrown = err;
  }
  expect(thrown, "expected an AuthError").toBeInstanceOf(AuthError);
  expect((thrown as AuthError).code).toBe(code);
  return thrown as AuthError;
}

function sshString(b: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(b.length, 0);
  return Buffer.concat([len, b]);
}

function mpint(unsigned: Buffer): Buffer {
  let i = 0;
  while (i < unsigned.length - 1 && unsigned[i] === 0) i++;
  const v = unsigned.subarray(i);
  return sshString((v[0]! & 0x80) !== 0 ? Buffer.concat([Buffer.of(0), v]) : v);
}

/** A ParsedPublicKey for an RSA KeyObject, enough for the crtauth core (test stand-in for keys/). */
export function parsedRsaKey(publicKey: KeyObject, comment = ""): ParsedPublicKey {
  const jwk = publicKey.export({ format: "jwk" });
  const blob = Buffer.concat([sshString(Buffer.from("ssh-rsa")), mpint(Buffer.from(jwk.e!, "base64url")), mpint(Buffer.from(jwk.n!, "base64url"))]);
  const sha256 = createHash("sha256").update(blob).digest("base64").replace(/=+$/, "");
  const md5 = createHash("md5").update(blob).digest("hex").match(/../g)!.join(":");
  const spki = publicKey.export({ format: "pem", type: "spki" }).toString();
  return {
    type: "ssh-rsa",
    bits: publicKey.asymmetricKeyDetails!.modulusLength!,
    curve: null,
    openssh: `ssh-rsa ${blob.toString("base64")}`,
    comment,
    fingerprintSha256: `SHA256:${sha256}`,
    fingerprintMd5: md5,
    kid: createHash("sha256").update(spki).digest("hex"),
    crtauthFingerprint: createHash("sha1").update(blob).digest().subarray(0, 6).toString("hex"),
    blob,
    keyObject: publicKey,
    securityKey: null,
    sshOptions: null,
    expiryTime: null,
  };
}

export interface TestKey {
  privateKey: KeyObject;
  parsed: ParsedPublicKey;
  signer: Signer;
}

function testKey(privateKey: KeyObject): TestKey {
  const parsed = parsedRsaKey(createPublicKey(privateKey));
  return { privateKey, parsed, signer: fullLengthSigner(privateKey, parsed) };
}

/** The upstream rsa_test.py key. */
export function upstreamKey(): TestKey {
  return testKey(createPrivateKey(readFileSync(`${fixtures}upstream-rsa_test.pem`)));
}

let cached: TestKey | undefined;
/** A fresh 2048-bit key per test run (generated once per file). */
export function generatedKey(): TestKey {
  cached ??= testKey(freshKeyPair("rsa", { modulusLength: 2048 }).privateKey);
  return cached;
}

/** Like an ssh-agent: full-length PKCS#1 v1.5 signatures, SHA-1 when asked. */
function fullLengthSigner(privateKey: KeyObject, publicKey: ParsedPublicKey): Signer {
  return {
    publicKey,
    sign: async (data, options) => sign(options?.rsaHash ?? "sha256", data, privateKey),
    close: () => undefined,
  };
}

/** Like Python's SingleKeySigner: the signature as a minimal integer (leading zero bytes dropped). */
export function pythonKeyFileSigner(privateKey: KeyObject, publicKey: ParsedPublicKey): Signer {
  return {
    publicKey,
    sign: async (data, options) => {
      const s = sign(options?.rsaHash ?? "sha256", data, privateKey);
      let i = 0;
      while (i < s.length - 1 && s[i] === 0) i++;
      return s.subarray(i);
    },
    close: () => undefined,
  };
}

/** Deterministic "random" bytes: SHA-256 of a label, truncated. */
export function fixedRandom(label: string): (size: number) => Buffer {
  return (size) => createHash("sha256").update(label).digest().subarray(0, size);
}

export interface Vectors {
  v1: {
    challenge: {
      secret: string;
      uniqueDataHex: string;
      validFrom: number;
      validTo: number;
      fingerprintHex: string;
      serverName: string;
      username: string;
      hmacHex: string;
      text: string;
    };
    response: { key: string; signaturePrefixHex: string; signatureSuffixHex: string; text: string };
    token: { secret: string; validFrom: number; validTo: number; username: string; text: string };
    requests: Record<string, string>;
    fakeFingerprint: { secret: string; username: string; java: string; python: string };
  };
  v0: {
    token: { secret: string; validFrom: number; validTo: number; username: string; nowMs: number; text: string };
    challenge: {
      secret: string;
      uniqueDataHex: string;
      validFrom: number;
      validTo: number;
      fingerprintHex: string;
      serverName: string;
      username: string;
      text: string;
    };
    response: { key: string; serverName: string; username: string; validFrom: number; validTo: number; text: string };
  };
}
