import { KeyFormatError } from "./errors.js";

const alphabet = /^[A-Za-z0-9+/]*={0,2}$/;

/** Unpadded base64url, as every wire format here emits it (a view of `bytes`, no copy). */
export function encodeBase64Url(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64url");
}

/**
 * Canonical, padded base64 only, for key text. Buffer.from(…, "base64") skips junk
 * characters and accepts missing padding, which would let two different texts name the
 * same key and hide truncation. The sshauth and crtauth decoders stay separate on purpose:
 * each accepts exactly what its upstream accepts, and the three sets differ.
 */
export function decodeBase64Strict(text: string): Buffer {
  if (text.length === 0) throw new KeyFormatError("malformed_base64", "The key data is empty.");
  if (!alphabet.test(text)) {
    const at = text.search(/[^A-Za-z0-9+/=]/);
    throw new KeyFormatError(
      "malformed_base64",
      at >= 0 ? `The key data contains a character that is not base64 (position ${at + 1}).` : "The key data has '=' padding in the middle.",
    );
  }
  if (text.length % 4 !== 0) {
    throw new KeyFormatError("malformed_base64", "The key data has the wrong length for base64; was it cut off when copying?");
  }
  const bytes = Buffer.from(text, "base64");
  if (bytes.toString("base64") !== text) {
    throw new KeyFormatError("malformed_base64", "The key data is not canonical base64 (bad padding).");
  }
  return bytes;
}
