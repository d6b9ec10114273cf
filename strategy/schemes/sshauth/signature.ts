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
import { sshMpint } from "../../keys/wire.js";

export const ED25519_SIGNATURE_LENGTH = 64;
const P256_SCALAR_LENGTH = 32;

export function isEd25519SignatureData(data: Uint8Array): boolean {
  return data.length === ED25519_SIGNATURE_LENGTH;
}

/**
 * SSH `mpint(r) || mpint(s)` → IEEE-P1363 `r‖s` (32 bytes each), or null when the
 * data fails upstream's structural checks. Read by offset, straight into the result: this
 * runs on every P-256 token, and a reader's views and errors were most of its cost.
 */
export function ecdsaP256MpintsToP1363(data: Uint8Array): Buffer | null {
  const out = Buffer.allocUnsafe(2 * P256_SCALAR_LENGTH);
  let at = 0;
  for (let half = 0; half < 2; half++) {
    if (data.length - at < 4) return null;
    const length = data[at]! * 0x1000000 + data[at + 1]! * 0x10000 + data[at + 2]! * 0x100 + data[at + 3]!;
    let start = at + 4;
    at = start + length;
    // Zero (an empty mpint) is no scalar; a length past the data is truncation.
    if (length === 0 || at > data.length) return null;
    const first = data[start]!;
    if (first & 0x80) return null; // negative
    if (first === 0) {
      // A leading 00 only to clear the sign bit of the next byte; otherwise not minimal.
      if (length === 1 || (data[start + 1]! & 0x80) === 0) return null;
      start++;
    }
    const size = at - start;
    if (size > P256_SCALAR_LENGTH) return null;
    const base = half * P256_SCALAR_LENGTH + P256_SCALAR_LENGTH - size;
    out.fill(0, half * P256_SCALAR_LENGTH, base);
    for (let k = 0; k < size; k++) out[base + k] = data[start + k]!;
  }
  return at === data.length ? out : null;
}

/** IEEE-P1363 `r‖s` (64 bytes) → SSH `mpint(r) || mpint(s)`. */
export function ecdsaP256P1363ToMpints(signature: Uint8Array): Buffer {
  if (signature.length !== 2 * P256_SCALAR_LENGTH) {
    throw new RangeError(`ECDSA P-256 signature must be 64 bytes (r‖s), got ${signature.length}`);
  }
  return Buffer.concat([sshMpint(signature.subarray(0, P256_SCALAR_LENGTH)), sshMpint(signature.subarray(P256_SCALAR_LENGTH))]);
}
