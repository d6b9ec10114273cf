import { decodeBase64Strict } from "../base64.js";
import { KeyFormatError, describeTypeName } from "../errors.js";
import { blobTypeName } from "../material.js";
import type { ParsedPublicKey } from "../types.js";
import type { KeyFormat } from "./format.js";

const typeToken = /^[A-Za-z0-9][A-Za-z0-9.@+_-]*$/;
const knownTypePrefix = /^(?:ssh-|ecdsa-|sk-|rsa-sha2-|x509v3-)/;

/** Splits at the first run of spaces/tabs (the separators ssh-keygen and sshd use). */
function splitToken(text: string): [string, string] {
  const gap = /[ \t]+/.exec(text);
  return gap ? [text.slice(0, gap.index), text.slice(gap.index + gap[0].length)] : [text, ""];
}

/**
 * True when the line starts with a key type rather than authorized_keys options.
 * Every SSH blob starts with a 32-bit length below 2^24, so its base64 starts "AAAA".
 */
export function startsWithKeyType(text: string): boolean {
  const [first, rest] = splitToken(text);
  return typeToken.test(first) && (knownTypePrefix.test(first) || rest.startsWith("AAAA"));
}

function malformed(message: string): KeyFormatError {
  return new KeyFormatError("malformed_key", message);
}

/** `type base64 [comment]`, as in a .pub file. */
export const opensshLine = {
  name: "openssh",
  sniff: (text) => !text.includes("\n") && startsWithKeyType(text),
  parse(text) {
    if (text.includes("\n")) throw malformed("An OpenSSH public key must be on a single line.");
    const [type, rest] = splitToken(text.trim());
    if (!typeToken.test(type)) throw malformed("The line does not start with a key type such as ssh-ed25519.");
    const [data, comment] = splitToken(rest);
    if (data === "") throw malformed(`The line has the key type ${describeTypeName(type)} but no key data after it.`);
    const blob = decodeBase64Strict(data);
    const inner = blobTypeName(blob);
    if (inner !== type) {
      throw malformed(`The line says ${describeTypeName(type)} but the key data is ${describeTypeName(inner)}.`);
    }
    return { blob, comment: comment.trim() };
  },
  serialize: (key: ParsedPublicKey) => (key.comment ? `${key.openssh} ${key.comment}` : key.openssh),
} satisfies KeyFormat;
