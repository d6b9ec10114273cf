/**
 * Test-only helpers: the golden vectors, public keys as ParsedPublicKey, and a
 * key-file Signer (Ed25519 via node:crypto, ECDSA P-256 via RFC 6979 so the
 * upstream-made vectors are reproduced byte for byte).
 */
import { createHash, createPrivateKey, createPublicKey, sign as cryptoSign } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import sshpk from "sshpk";
import type { Signer } from "../../../strategy/client/signer.js";
import type { ParsedPublicKey, SshKeyType } from "../../../strategy/keys/types.js";
import { signP256Deterministic } from "./rfc6979.js";
import { freshKeyPair } from "../../support/fresh-keys.js";

export const FIXTURES = path.resolve(import.meta.dirname, "../../fixtures");

interface SshauthVector {
  id: string;
  private_key: string;
  public_key: string;
  time: number;
  identity: string | null;
  include_fingerprint: boolean;
  magic_prefix: string;
  actions: [string, string][];
  algorithm: "Ed25519" | "Ecdsa256";
  fingerprint: string;
  token: string;
  raw_token_hex: string;
  signing_blob_hex: string;
  packed_signed_bytes_hex: string;
  signature_hex: string;
  accept_at: number[];
  reject_at: number[];
  max_skew_seconds: number;
}

interface SshauthEdgeCase {
  id: string;
  token: string;
  verify_with: string;
  now: number;
  expect_error: string | null;
}

const vectors = JSON.parse(readFileSync(path.join(FIXTURES, "vectors.json"), "utf8")) as {
  sshauth: SshauthVector[];
  sshauth_edge_cases: SshauthEdgeCase[];
};
export const VECTORS = vectors.sshauth;
export const EDGE_CASES = vectors.sshauth_edge_cases;

export function fixtureText(relative: string): string {
  return readFileSync(path.join(FIXTURES, relative), "utf8");
}

/** A ParsedPublicKey from an OpenSSH public-key line (enough of it for these tests). */
function publicKeyFromLine(line: string): ParsedPublicKey {
  const key = sshpk.parseKey(line, "ssh");
  const blob = key.toBuffer("rfc4253");
  const spkiPem = key.toString("pkcs8");
  const type: SshKeyType = key.type === "ed25519" ? "ssh-ed25519" : key.type === "ecdsa" ? "ecdsa-sha2-nistp256" : "ssh-rsa";
  const md5 = createHash("md5").update(blob).digest("hex");
  return {
    type,
    bits: key.size,
    curve: key.type === "ecdsa" ? "nistp256" : null,
    openssh: `${line.trim().split(/\s+/)[0]} ${line.trim().split(/\s+/)[1]}`,
    comment: key.comment ?? "",
    fingerprintSha256: "SHA256:" + createHash("sha256").update(blob).digest("base64").replace(/=+$/, ""),
    fingerprintMd5: md5.match(/../g)!.join(":"),
    kid: createHash("sha256")
      .update(createPublicKey(spkiPem).export({ type: "spki", format: "pem" }))
      .digest("hex"),
    crtauthFingerprint: null,
    blob,
    keyObject: createPublicKey(spkiPem),
    securityKey: null,
    sshOptions: null,
    expiryTime: null,
  };
}

export function publicKeyFile(relative: string): ParsedPublicKey {
  return publicKeyFromLine(fixtureText(relative));
}

/** A Signer over an unencrypted OpenSSH private key file (test use only). */
export function keyFileSigner(relative: string): Signer & { signCount: number } {
  const pk = sshpk.parsePrivateKey(fixtureText(relative), "auto");
  const publicKey = publicKeyFromLine(pk.toPublic().toString("ssh"));
  const part = (name: string): Buffer => {
    const found = pk.parts.find((p) => p.name === name);
    if (found === undefined) throw new Error(`key part ${name} missing`);
    return found.data;
  };
  let sign: (data: Buffer) => Buffer;
  if (pk.type === "ed25519") {
    const k = part("k");
    const seed = k.length === 64 ? k.subarray(0, 32) : k;
    const keyObject = createPrivateKey({
      key: { kty: "OKP", crv: "Ed25519", d: seed.toString("base64url"), x: part("A").toString("base64url") },
      format: "jwk",
    });
    sign = (data) => cryptoSign(null, data, keyObject);
  } else if (pk.type === "ecdsa") {
    const d = part("d");
    sign = (data) => signP256Deterministic(d, data);
  } else {
    const keyObject = createPrivateKey(pk.toString("pkcs8"));
    sign = (data) => cryptoSign("sha256", data, keyObject);
  }
  const signer = {
    publicKey,
    signCount: 0,
    async sign(data: Buffer): Promise<Buffer> {
      signer.signCount++;
      return sign(data);
    },
    close(): void {},
  };
  return signer;
}

/** A fresh key pair signed with node:crypto (ECDSA with random nonces, IEEE-P1363 output). */
export function generatedSigner(kind: "ed25519" | "p256" | "p384" | "rsa"): Signer {
  const { publicKey, privateKey } =
    kind === "ed25519"
      ? freshKeyPair("ed25519")
      : kind === "rsa"
        ? freshKeyPair("rsa", { modulusLength: 2048 })
        : freshKeyPair("ec", { namedCurve: kind === "p256" ? "prime256v1" : "secp384r1" });
  const spki = publicKey.export({ type: "spki", format: "pem" }).toString();
  const parsed = publicKeyFromLine(sshpk.parseKey(spki, "pem").toString("ssh"));
  return {
    publicKey: kind === "p384" ? { ...parsed, type: "ecdsa-sha2-nistp384", curve: "nistp384", bits: 384 } : parsed,
    async sign(data: Buffer): Promise<Buffer> {
      if (kind === "ed25519") return cryptoSign(null, data, privateKey);
      if (kind === "rsa") return cryptoSign("sha256", data, privateKey);
      return cryptoSign(kind === "p256" ? "sha256" : "sha384", data, { key: privateKey, dsaEncoding: "ieee-p1363" });
    },
    close(): void {},
  };
}
