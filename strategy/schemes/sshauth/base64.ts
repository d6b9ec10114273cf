/**
 * Unpadded base64url exactly as sshauth uses it (rust-base64 0.13.1, `URL_SAFE_NO_PAD`).
 *
 * Decoding accepts what upstream accepts and nothing more:
 *   - alphabet `A–Z a–z 0–9 - _` only (`+`, `/`, whitespace and any other byte refused);
 *   - a data length of 1 mod 4 is refused (6 bits cannot make a byte);
 *   - the unused low bits of the last character must be zero (canonical encoding);
 *   - trailing `=` padding is tolerated when it is well formed: only at the very end,
 *     only after 2 or 3 data characters of the last quad, and never beyond the quad
 *     (`xx=`, `xx==`, `xxx=` are fine; `xxxx=`, `x==`, `xxx==` are not).
 *
 * Node's `Buffer.from(s, "base64url")` is far more lenient, so it is only used after
 * these checks. Encoding is the shared
 * encodeBase64Url (keys/base64.ts): upstream emits the same unpadded text.
 */

const DATA_CHARS = /^[A-Za-z0-9_-]*$/;

/** Decode with upstream's strictness; `null` if upstream would refuse the text. */
export function decodeBase64UrlStrict(text: string): Buffer | null {
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === 0x3d /* = */) end--;
  const padding = text.length - end;
  const data = padding === 0 ? text : text.slice(0, end);
  if (!DATA_CHARS.test(data)) return null;

  const tail = data.length % 4;
  if (tail === 1) return null;
  if (padding > 0 && !((tail === 2 && padding <= 2) || (tail === 3 && padding === 1))) return null;

  // Non-zero trailing bits decode silently in Node: the last character of a partial quad
  // (2 or 3 characters: 12 or 18 bits for 8 or 16) must leave its unused low bits clear.
  if (tail !== 0 && (sextet(data.charCodeAt(data.length - 1)) & (tail === 2 ? 0x0f : 0x03)) !== 0) return null;
  return Buffer.from(data, "base64url");
}

/** The 6-bit value of a base64url character already known to be in the alphabet. */
function sextet(code: number): number {
  if (code >= 0x61) return code - 0x61 + 26; // a–z
  if (code >= 0x41) return code === 0x5f ? 63 : code - 0x41; // _ (0x5f) or A–Z
  return code === 0x2d ? 62 : code - 0x30 + 52; // - or 0–9
}
