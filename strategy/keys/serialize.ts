import { authorizedKeys } from "./formats/authorized-keys.js";
import type { KeyFormat } from "./formats/format.js";
import { opensshLine } from "./formats/openssh-line.js";
import { pemPkcs1 } from "./formats/pem-pkcs1.js";
import { pemSpki } from "./formats/pem-spki.js";
import { rfc4716 } from "./formats/rfc4716.js";
import type { ParsedPublicKey } from "./types.js";

export type KeyTextFormat = "openssh" | "authorized_keys" | "pem_spki" | "pem_pkcs1" | "rfc4716";

const writers: Record<KeyTextFormat, KeyFormat> = {
  openssh: opensshLine,
  authorized_keys: authorizedKeys,
  pem_spki: pemSpki,
  pem_pkcs1: pemPkcs1,
  rfc4716,
};

/**
 * Writes a parsed key in one of the text formats parsePublicKey reads.
 *
 * @throws {TypeError} for an unknown format, or PKCS#1 with a non-RSA key.
 * @example
 * serializePublicKey(key, "pem_spki"); // "-----BEGIN PUBLIC KEY-----\n…"
 */
export function serializePublicKey(key: ParsedPublicKey, format: KeyTextFormat): string {
  const writer = Object.hasOwn(writers, format) ? writers[format] : undefined;
  if (!writer) throw new TypeError(`unknown key format: ${String(format)}`);
  return writer.serialize(key);
}
