import { KeyFormatError } from "./errors.js";

/** Refuses text over `limit` characters or UTF-8 bytes, before any parsing. */
export function checkSize(text: string, limit: number, what: string): void {
  if (text.length > limit || Buffer.byteLength(text, "utf8") > limit) {
    throw new KeyFormatError("too_large", `${what} is larger than ${limit / 1024} KiB.`, { detail: { limit } });
  }
}

// Keys are ASCII; comments may be any text but never control characters (NUL, ESC…).
const controlCharacter = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

/** Refuses key text holding a control character, saying where. */
export function checkNoControlCharacter(text: string): void {
  const at = text.search(controlCharacter);
  if (at >= 0) throw new KeyFormatError("malformed_key", `The key contains a control character (position ${at + 1}).`);
}
