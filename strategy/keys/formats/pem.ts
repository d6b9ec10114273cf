import { createPublicKey, type KeyObject } from "node:crypto";
import { decodeBase64Strict } from "../base64.js";
import { KeyFormatError } from "../errors.js";

function malformed(message: string, cause?: unknown): KeyFormatError {
  return new KeyFormatError("malformed_key", message, { cause });
}

/** DER inside a `-----BEGIN <label>-----` armor. Newlines may have been lost in copying. */
export function pemBody(text: string, label: string): Buffer {
  const begin = `-----BEGIN ${label}-----`;
  const end = `-----END ${label}-----`;
  if (!text.startsWith(begin)) throw malformed(`Expected a "${begin}" line.`);
  if (!text.endsWith(end) || text.length < begin.length + end.length) throw malformed(`The "${end}" line is missing.`);
  const body = text.slice(begin.length, text.length - end.length);
  if (body.includes("-----")) throw malformed("The block holds more than one PEM section.");
  if (body.includes(":")) throw malformed("PEM headers are not expected in a public key.");
  return decodeBase64Strict(body.replace(/[ \t\r\n]+/g, ""));
}

/**
 * Imports DER and insists it re-exports unchanged: OpenSSL ignores trailing bytes,
 * and accepting them would let one key arrive in many spellings.
 */
export function importDer(der: Buffer, type: "spki" | "pkcs1"): KeyObject {
  let key: KeyObject;
  try {
    key = createPublicKey({ key: der, format: "der", type });
  } catch (cause) {
    throw malformed("The PEM block does not contain a valid public key.", cause);
  }
  if (!key.export({ format: "der", type }).equals(der)) {
    throw malformed("The PEM block has extra or non-canonical data.");
  }
  return key;
}
