/**
 * Signature data as carried in a token (TokenSignature.data), and its conversion to
 * the forms node:crypto and our Signer use.
 *
 *   Ed25519      the 64-byte RFC 8032 signature, nothing else.
 *   ECDSA P-256  mpint(r) || mpint(s), the inner blob of an `ecdsa-sha2-nistp256`
 *                SSH signature without its algorithm name. mpint = u32 big-endian
 *                length + minimal two's-complement big-endian bytes.
 *
 * Structural checks follow ssh-key 0.6.7 (Signature::new + Mpint + p256 conversion),
 * which upstream runs before trying any key:
 *   - each mpint: length fits, no redundant leading 00 (a lone 00, or 00 followed by
 *     a byte < 0x80), not negative (first byte ≥ 0x80), not empty (zero is refused);
 *   - magnitude (without the sign byte) at most 32 bytes;
 *   - exactly two mpints and nothing after them.
 * Range checks (0 < r, s < n) are left to the verification itself, as in p256, and
 * high-S signatures are accepted (p256 does not enforce low-S).
 */

export const ED25519_SIGNATURE_LENGTH = 64;
const P256_SCALAR_LENGTH = 32;

export function isEd25519SignatureData(data: Uint8Array): boolean {
  return data.length === ED25519_SIGNATURE_LENGTH;
}

/** Read one mpint at `offset`; the positive magnitude and the next offset, or null. */
function readPositiveMpint(data: Uint8Array, offset: number): { magnitude: Uint8Array; next: number } | null {
  if (data.length - offset < 4) return null;
  const length = ((data[offset]! << 24) >>> 0) + (data[offset + 1]! << 16) + (data[offset + 2]! << 8) + data[offset + 3]!;
  const start = offset + 4;
  if (data.length - start < length) return null;
  const bytes = data.subarray(start, start + length);
  const first = bytes[0];
  const second = bytes[1];
  if (first === undefined) return null; // zero
  if (first === 0x00 && (second === undefined || second < 0x80)) return null; // not minimal
  if (first >= 0x80) return null; // negative
  const magnitude = first === 0x00 ? bytes.subarray(1) : bytes;
  return { magnitude, next: start + length };
}

/**
 * SSH `mpint(r) || mpint(s)` → IEEE-P1363 `r‖s` (32 bytes each), or null when the
 * data fails upstream's structural checks.
 */
export function ecdsaP256MpintsToP1363(data: Uint8Array): Buffer | null {
  const r = readPositiveMpint(data, 0);
  if (r === null || r.magnitude.length > P256_SCALAR_LENGTH) return null;
  const s = readPositiveMpint(data, r.next);
  if (s === null || s.magnitude.length > P256_SCALAR_LENGTH) return null;
  if (s.next !== data.length) return null;
  const out = Buffer.alloc(2 * P256_SCALAR_LENGTH);
  out.set(r.magnitude, P256_SCALAR_LENGTH - r.magnitude.length);
  out.set(s.magnitude, 2 * P256_SCALAR_LENGTH - s.magnitude.length);
  return out;
}

function mpint(magnitude: Uint8Array): Buffer {
  let i = 0;
  while (i < magnitude.length && magnitude[i] === 0) i++;
  const body = magnitude.subarray(i);
  const pad = body.length > 0 && body[0]! >= 0x80 ? 1 : 0;
  const out = Buffer.alloc(4 + pad + body.length);
  out.writeUInt32BE(pad + body.length, 0);
  out.set(body, 4 + pad);
  return out;
}

/** IEEE-P1363 `r‖s` (64 bytes) → SSH `mpint(r) || mpint(s)`. */
export function ecdsaP256P1363ToMpints(signature: Uint8Array): Buffer {
  if (signature.length !== 2 * P256_SCALAR_LENGTH) {
    throw new RangeError(`ECDSA P-256 signature must be 64 bytes (r‖s), got ${signature.length}`);
  }
  return Buffer.concat([mpint(signature.subarray(0, 32)), mpint(signature.subarray(32))]);
}
