import crypto, { type KeyObject } from "node:crypto";
import { SshReader } from "../keys/wire.js";

// Unencrypted OpenSSH private keys (PROTOCOL.key) read with our own wire reader rather than
// sshpk: importing sshpk costs every CLI start that signs with --key more than the whole rest of
// `token jwt`. Encrypted files still go through sshpk (openssh-encrypted.ts), which has the
// bcrypt-pbkdf KDF. Every check that makes a file trustworthy is done here: the check-ints,
// the private section's public fields against the outer public key, the private values against
// their public ones, padding and trailing bytes.

/** A key file that parses but is not one consistent key: reported as invalid_key with this message. */
export class OpenSshKeyMismatch extends Error {
  override readonly name = "OpenSshKeyMismatch";
}

/** Decoded key files hold at most a 16384-bit RSA key (under 10 KiB); anything far larger is hostile. */
export const maxOpenSshBodyBytes = 64 * 1024;

/** The private section of an unencrypted file, after the header: key and comment. */
export interface OpenSshPrivateKey {
  keyObject: KeyObject;
  comment: string;
}

const curves: Record<string, { name: string; jwk: string; bytes: number }> = {
  "ecdsa-sha2-nistp256": { name: "nistp256", jwk: "P-256", bytes: 32 },
  "ecdsa-sha2-nistp384": { name: "nistp384", jwk: "P-384", bytes: 48 },
  "ecdsa-sha2-nistp521": { name: "nistp521", jwk: "P-521", bytes: 66 },
};
const nodeCurve: Record<string, string> = { "P-256": "prime256v1", "P-384": "secp384r1", "P-521": "secp521r1" };

/**
 * Reads the private section of an unencrypted key file whose outer public key is `publicBlob`.
 * Throws SshWireError for malformed bytes, OpenSshKeyMismatch for halves that disagree, and
 * Error("unsupported …") for a key type it does not read.
 */
export function decodeOpenSshPrivateSection(section: Buffer, publicBlob: Buffer): OpenSshPrivateKey {
  const r = new SshReader(section);
  if (r.uint32() !== r.uint32()) throw new OpenSshKeyMismatch("the OpenSSH key file's check integers differ: it is damaged");
  const type = r.name();
  const outer = new SshReader(publicBlob);
  if (outer.name() !== type) throw new OpenSshKeyMismatch("the OpenSSH key file's private key is not its public key");
  const keyObject = readKey(type, r, outer);
  outer.end();
  const comment = r.text();
  // Padding: 1, 2, 3, … up to the cipher's block size; anything else is trailing data.
  const padding = r.raw(r.remaining);
  if (padding.length >= 256 || padding.some((byte, i) => byte !== i + 1)) {
    throw new OpenSshKeyMismatch("unexpected bytes after the OpenSSH private key");
  }
  return { keyObject, comment: comment.trim() };
}

function readKey(type: string, r: SshReader, outer: SshReader): KeyObject {
  if (type === "ssh-ed25519") return readEd25519(r, outer);
  if (type === "ssh-rsa") return readRsa(r, outer);
  const curve = curves[type];
  if (curve) return readEcdsa(curve, r, outer);
  throw new Error(`unsupported key type ${type}`);
}

function same(a: Buffer, b: Buffer): void {
  if (!a.equals(b)) throw new OpenSshKeyMismatch("the OpenSSH key file's private key is not its public key");
}

function readEd25519(r: SshReader, outer: SshReader): KeyObject {
  const publicKey = r.string();
  const secret = r.string();
  same(publicKey, outer.string());
  if (publicKey.length !== 32 || secret.length !== 64) throw new OpenSshKeyMismatch("malformed Ed25519 key in the OpenSSH key file");
  same(secret.subarray(32), publicKey);
  // The seed alone makes the key (PKCS#8 prefix + seed); its own public key must be the stored one.
  const der = Buffer.concat([Buffer.from("302e020100300506032b657004220420", "hex"), secret.subarray(0, 32)]);
  const key = crypto.createPrivateKey({ key: der, format: "der", type: "pkcs8" });
  same(Buffer.from(crypto.createPublicKey(key).export({ format: "jwk" }).x!, "base64url"), publicKey);
  return key;
}

function big(bytes: Buffer): bigint {
  return bytes.length === 0 ? 0n : BigInt(`0x${bytes.toString("hex")}`);
}

function bytesOf(value: bigint): string {
  let hex = value.toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  return Buffer.from(hex, "hex").toString("base64url");
}

function readRsa(r: SshReader, outer: SshReader): KeyObject {
  const n = r.mpint();
  const e = r.mpint();
  const d = big(r.mpint());
  const iqmp = big(r.mpint());
  const p = big(r.mpint());
  const q = big(r.mpint());
  same(outer.mpint(), e);
  same(outer.mpint(), n);
  const N = big(n);
  const E = big(e);
  // n = p·q, e·d ≡ 1 (mod p−1 and q−1) and q·iqmp ≡ 1 (mod p): one RSA key, not parts of several.
  if (p < 3n || q < 3n || p * q !== N || E < 3n || d < 1n || (E * d) % (p - 1n) !== 1n || (E * d) % (q - 1n) !== 1n || (q * iqmp) % p !== 1n) {
    throw new OpenSshKeyMismatch("the OpenSSH key file's RSA private values do not belong to its public key");
  }
  const jwk = {
    kty: "RSA",
    n: bytesOf(N),
    e: bytesOf(E),
    d: bytesOf(d),
    p: bytesOf(p),
    q: bytesOf(q),
    dp: bytesOf(d % (p - 1n)),
    dq: bytesOf(d % (q - 1n)),
    qi: bytesOf(iqmp),
  };
  return crypto.createPrivateKey({ key: jwk, format: "jwk" });
}

function readEcdsa(curve: { name: string; jwk: string; bytes: number }, r: SshReader, outer: SshReader): KeyObject {
  if (r.name() !== curve.name || outer.name() !== curve.name) throw new OpenSshKeyMismatch("the OpenSSH key file names another curve than its key type");
  const point = r.string();
  same(outer.string(), point);
  const d = r.mpint();
  if (point.length !== 1 + 2 * curve.bytes || point[0] !== 4 || d.length === 0 || d.length > curve.bytes) {
    throw new OpenSshKeyMismatch("malformed ECDSA key in the OpenSSH key file");
  }
  const scalar = Buffer.concat([Buffer.alloc(curve.bytes - d.length), d]);
  // The scalar's own public point must be the stored one (setPrivateKey refuses 0 and ≥ the order).
  const ecdh = crypto.createECDH(nodeCurve[curve.jwk]!);
  try {
    ecdh.setPrivateKey(scalar);
  } catch {
    throw new OpenSshKeyMismatch("the OpenSSH key file's ECDSA private value is out of range");
  }
  same(ecdh.getPublicKey(), point);
  const jwk = {
    kty: "EC",
    crv: curve.jwk,
    x: point.subarray(1, 1 + curve.bytes).toString("base64url"),
    y: point.subarray(1 + curve.bytes).toString("base64url"),
    d: scalar.toString("base64url"),
  };
  return crypto.createPrivateKey({ key: jwk, format: "jwk" });
}
