import { AuthError } from "../../errors.js";
import { LIMITS } from "./constants.js";

const ALPHABET = /^[A-Za-z0-9+/_-]*$/;

// Every crtauth implementation emits unpadded base64url: the shared encoder.
export { encodeBase64Url } from "../../keys/base64.js";

/**
 * Decodes crtauth message text the way the Python server does, minus its leniency
 * towards foreign characters: accepts base64url or standard alphabet (even mixed),
 * padded or unpadded. Kept apart from sshauth's and the key-text decoder on purpose: each
 * accepts exactly what its own upstream accepts. Throws AuthError only: `credentials_too_large` above `maxLength`
 * characters, `malformed_token` for anything else that is not base64 or is empty.
 */
export function decodeBase64Url(text: string, maxLength: number = LIMITS.messageText): Buffer {
  if (typeof text !== "string") throw malformed("not a string");
  if (text.length > maxLength) {
    throw new AuthError("credentials_too_large", "crtauth message too long", {
      detail: { length: text.length, max: maxLength },
    });
  }
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === 0x3d /* = */) end--;
  const padding = text.length - end;
  const body = text.slice(0, end);
  if (body.length === 0) throw malformed("empty");
  if (!ALPHABET.test(body)) throw malformed("character outside the base64 alphabet");
  if (body.length % 4 === 1) throw malformed("impossible length");
  if (padding > 0 && (padding > 2 || text.length % 4 !== 0)) throw malformed("bad padding");
  // Node's base64url decoder takes the standard alphabet too (checked above: nothing else gets here).
  return Buffer.from(body, "base64url");
}

function malformed(reason: string): AuthError {
  return new AuthError("malformed_token", `crtauth message is not base64: ${reason}`);
}
