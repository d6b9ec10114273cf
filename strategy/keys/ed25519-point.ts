import { KeyFormatError } from "./errors.js";

/**
 * Hand-written because nothing in node:crypto does it: OpenSSL imports any 32 bytes as an
 * Ed25519 public key and verifies cofactorless ([S]B = R + [k]A), so with a small-order A
 * the term [k]A is one of eight known points and a signature can be forged without any
 * private key — with the identity point, `01 ‖ 00×63` verifies every message. The check
 * is a table lookup plus one comparison, so it needs no curve arithmetic library.
 */

const P = 2n ** 255n - 19n;

/** The eight points of order dividing 8, in their canonical encodings (RFC 8032 §5.1.2). */
const smallOrderEncodings: ReadonlySet<string> = new Set([
  "0100000000000000000000000000000000000000000000000000000000000000", // identity (0, 1): order 1
  "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", // (0, −1): order 2
  "0000000000000000000000000000000000000000000000000000000000000000", // (±√−1, 0): order 4
  "0000000000000000000000000000000000000000000000000000000000000080",
  "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05", // order 8
  "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85",
  "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",
  "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa",
]);

function littleEndian(bytes: Uint8Array): bigint {
  let value = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) value = (value << 8n) | BigInt(bytes[i] ?? 0);
  return value;
}

function weak(message: string): KeyFormatError {
  return new KeyFormatError("weak_key", message);
}

/**
 * Refuses an Ed25519 public key encoding that is not canonical (y ≥ p, or x = 0 with the
 * sign bit set: the "negative zero" forms) or that is one of the small-order points.
 * Non-canonical encodings are refused first, so every alias of a small-order point is
 * caught as well as the eight canonical ones. Used by the codec for every key it reads,
 * stored rows included, so upload and verification refuse the same keys.
 */
export function checkEd25519Point(encoded: Uint8Array): void {
  const signBit = ((encoded[31] ?? 0) & 0x80) !== 0;
  const yBytes = Uint8Array.from(encoded);
  yBytes[31] = (yBytes[31] ?? 0) & 0x7f;
  const y = littleEndian(yBytes);
  if (y >= P) throw weak("The Ed25519 public key is not canonically encoded; it is refused because such keys allow forgeries.");
  // x = 0 only for y = ±1, and RFC 8032 decoding rejects x = 0 with the sign bit set.
  if (signBit && (y === 1n || y === P - 1n)) {
    throw weak("The Ed25519 public key is not canonically encoded; it is refused because such keys allow forgeries.");
  }
  if (smallOrderEncodings.has(Buffer.from(encoded).toString("hex"))) {
    throw weak("The Ed25519 public key is a small-order point: anyone can forge its signatures. Create a new key: ssh-keygen -t ed25519");
  }
}
