import { createHash, createHmac } from "node:crypto";

/**
 * Deterministic ECDSA P-256 / SHA-256 (RFC 6979 §3.2 nonces), in plain BigInt.
 *
 * Why it exists: upstream signs from a key file with RustCrypto `p256`, which uses
 * RFC 6979, so ECDSA tokens made from a key file are reproducible byte for byte;
 * node:crypto's ECDSA uses random nonces and cannot reproduce them. The golden
 * vectors are checked with this.
 *
 * NOT constant-time (BigInt arithmetic leaks timing about the private scalar): use it
 * for tests and tooling, never for a long-lived production signer — node:crypto is
 * the right tool there. No low-S normalisation, like p256.
 */

const P = 0xffffffff00000001000000000000000000000000ffffffffffffffffffffffffn;
const N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
const A = P - 3n;
const GX = 0x6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296n;
const GY = 0x4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5n;

type Jacobian = readonly [x: bigint, y: bigint, z: bigint];
const INFINITY: Jacobian = [0n, 1n, 0n];

const mod = (a: bigint, m: bigint): bigint => {
  const r = a % m;
  return r < 0n ? r + m : r;
};

function modInverse(a: bigint, m: bigint): bigint {
  let [oldR, r] = [mod(a, m), m];
  let [oldS, s] = [1n, 0n];
  while (r !== 0n) {
    const q = oldR / r;
    [oldR, r] = [r, oldR - q * r];
    [oldS, s] = [s, oldS - q * s];
  }
  if (oldR !== 1n) throw new RangeError("not invertible");
  return mod(oldS, m);
}

function double([x, y, z]: Jacobian): Jacobian {
  if (z === 0n || y === 0n) return INFINITY;
  const yy = mod(y * y, P);
  const s = mod(4n * x * yy, P);
  const zz = mod(z * z, P);
  const m = mod(3n * x * x + A * zz * zz, P);
  const x3 = mod(m * m - 2n * s, P);
  const y3 = mod(m * (s - x3) - 8n * yy * yy, P);
  const z3 = mod(2n * y * z, P);
  return [x3, y3, z3];
}

function add(p: Jacobian, q: Jacobian): Jacobian {
  if (p[2] === 0n) return q;
  if (q[2] === 0n) return p;
  const [x1, y1, z1] = p;
  const [x2, y2, z2] = q;
  const z1z1 = mod(z1 * z1, P);
  const z2z2 = mod(z2 * z2, P);
  const u1 = mod(x1 * z2z2, P);
  const u2 = mod(x2 * z1z1, P);
  const s1 = mod(y1 * z2 * z2z2, P);
  const s2 = mod(y2 * z1 * z1z1, P);
  if (u1 === u2) return s1 === s2 ? double(p) : INFINITY;
  const h = mod(u2 - u1, P);
  const r = mod(s2 - s1, P);
  const hh = mod(h * h, P);
  const hhh = mod(h * hh, P);
  const v = mod(u1 * hh, P);
  const x3 = mod(r * r - hhh - 2n * v, P);
  const y3 = mod(r * (v - x3) - s1 * hhh, P);
  const z3 = mod(h * z1 * z2, P);
  return [x3, y3, z3];
}

function multiplyG(k: bigint): { x: bigint; y: bigint } {
  let result: Jacobian = INFINITY;
  let addend: Jacobian = [GX, GY, 1n];
  for (let e = k; e > 0n; e >>= 1n) {
    if (e & 1n) result = add(result, addend);
    addend = double(addend);
  }
  const zInv = modInverse(result[2], P);
  const zInv2 = mod(zInv * zInv, P);
  return { x: mod(result[0] * zInv2, P), y: mod(result[1] * zInv2 * zInv, P) };
}

const toBigInt = (bytes: Uint8Array): bigint => (bytes.length === 0 ? 0n : BigInt("0x" + Buffer.from(bytes).toString("hex")));
const to32 = (value: bigint): Buffer => Buffer.from(value.toString(16).padStart(64, "0"), "hex");

/** Public point of a private scalar (uncompressed coordinates, 32 bytes each). */
export function p256PublicPoint(privateScalar: Uint8Array): { x: Buffer; y: Buffer } {
  const d = toBigInt(privateScalar);
  if (d <= 0n || d >= N) throw new RangeError("P-256 private scalar out of range");
  const { x, y } = multiplyG(d);
  return { x: to32(x), y: to32(y) };
}

/** The RFC 6979 nonce sequence for (d, h); the caller takes the first usable one. */
function* rfc6979Nonces(d: bigint, h: bigint): Generator<bigint> {
  const hmac = (key: Buffer, ...parts: Buffer[]): Buffer => {
    const mac = createHmac("sha256", key);
    for (const part of parts) mac.update(part);
    return mac.digest();
  };
  const x = to32(d);
  const h1 = to32(mod(h, N)); // bits2octets
  let v: Buffer = Buffer.alloc(32, 0x01);
  let k: Buffer = Buffer.alloc(32, 0x00);
  k = hmac(k, v, Buffer.of(0x00), x, h1);
  v = hmac(k, v);
  k = hmac(k, v, Buffer.of(0x01), x, h1);
  v = hmac(k, v);
  for (;;) {
    v = hmac(k, v); // qlen = hlen = 256: one block is enough
    const candidate = toBigInt(v);
    if (candidate >= 1n && candidate < N) yield candidate;
    k = hmac(k, v, Buffer.of(0x00));
    v = hmac(k, v);
  }
}

/** ECDSA-SHA-256 over `message` with an RFC 6979 nonce; returns IEEE-P1363 r‖s. */
export function signP256Deterministic(privateScalar: Uint8Array, message: Uint8Array): Buffer {
  const d = toBigInt(privateScalar);
  if (d <= 0n || d >= N) throw new RangeError("P-256 private scalar out of range");
  const h = toBigInt(createHash("sha256").update(message).digest()); // qlen = 256: no truncation
  for (const k of rfc6979Nonces(d, h)) {
    const r = mod(multiplyG(k).x, N);
    if (r === 0n) continue;
    const s = mod(modInverse(k, N) * (h + r * d), N);
    if (s === 0n) continue;
    return Buffer.concat([to32(r), to32(s)]);
  }
  throw new Error("unreachable");
}
