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
import { SshReader, SshWireError, sshMpint } from "../../keys/wire.js";

export const ED25519_SIGNATURE_LENGTH = 64;
const P256_SCALAR_LENGTH = 32;

export function isEd25519SignatureData(data: Uint8Array): boolean {
  return data.length === ED25519_SIGNATURE_LENGTH;
}

/** One mpint that is a usable P-256 scalar: not zero and at most 32 bytes of magnitude. */
function scalar(reader: SshReader): Buffer | null {
  const magnitude = reader.mpint();
  return magnitude.length === 0 || magnitude.length > P256_SCALAR_LENGTH ? null : magnitude;
}

/**
 * SSH `mpint(r) || mpint(s)` → IEEE-P1363 `r‖s` (32 bytes each), or null when the
 * data fails upstream's structural checks.
 */
export function ecdsaP256MpintsToP1363(data: Uint8Array): Buffer | null {
  let r: Buffer | null;
  let s: Buffer | null;
  try {
    const reader = new SshReader(data);
    r = scalar(reader);
    s = r && scalar(reader);
    reader.end();
  } catch (error) {
    if (error instanceof SshWireError) return null;
    throw error;
  }
  if (r === null || s === null) return null;
  const out = Buffer.alloc(2 * P256_SCALAR_LENGTH);
  out.set(r, P256_SCALAR_LENGTH - r.length);
  out.set(s, 2 * P256_SCALAR_LENGTH - s.length);
  return out;
}

/** IEEE-P1363 `r‖s` (64 bytes) → SSH `mpint(r) || mpint(s)`. */
export function ecdsaP256P1363ToMpints(signature: Uint8Array): Buffer {
  if (signature.length !== 2 * P256_SCALAR_LENGTH) {
    throw new RangeError(`ECDSA P-256 signature must be 64 bytes (r‖s), got ${signature.length}`);
  }
  return Buffer.concat([sshMpint(signature.subarray(0, P256_SCALAR_LENGTH)), sshMpint(signature.subarray(P256_SCALAR_LENGTH))]);
}
