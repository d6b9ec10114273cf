import { KeyFormatError } from "../errors.js";
import type { KeyFormat } from "./format.js";
import { opensshLine, startsWithKeyType } from "./openssh-line.js";

function malformed(message: string): KeyFormatError {
  return new KeyFormatError("malformed_key", message);
}

/**
 * Length of the options prefix, following sshd's grammar: comma-separated
 * `name` or `name="value"`, where values may hold spaces and `\"`.
 */
function optionsLength(line: string): { length: number; names: string[] } {
  const names: string[] = [];
  let i = 0;
  for (;;) {
    const name = /^[A-Za-z0-9_-]+/.exec(line.slice(i, i + 64))?.[0];
    if (!name) throw malformed("The line does not start with a key type or valid authorized_keys options.");
    names.push(name.toLowerCase());
    i += name.length;
    if (line[i] === "=") {
      if (line[i + 1] !== '"') throw malformed("An authorized_keys option value must be in double quotes.");
      i += 2;
      while (i < line.length && line[i] !== '"') i += line[i] === "\\" && line[i + 1] === '"' ? 2 : 1;
      if (i >= line.length) throw malformed("An authorized_keys option has an unterminated quote.");
      i++;
    }
    if (line[i] === ",") {
      i++;
      continue;
    }
    if (line[i] === " " || line[i] === "\t") return { length: i, names };
    throw malformed(i >= line.length ? "The line has authorized_keys options but no key." : "The authorized_keys options are malformed.");
  }
}

/**
 * An authorized_keys line. Options are checked for syntax; `no-touch-required` and
 * `verify-required` are kept (they say what a security key's signatures must carry, as sshd
 * reads them), the rest dropped: they restrict sshd sessions and mean nothing to HTTP
 * authentication.
 */
export const authorizedKeys: KeyFormat = {
  name: "authorized_keys",
  sniff: (text) => !text.includes("\n") && !startsWithKeyType(text) && /^[A-Za-z0-9_-]+(?:[=,]|[ \t]+[A-Za-z0-9])/.test(text),
  parse(text) {
    const { length, names } = optionsLength(text);
    if (names.includes("cert-authority")) {
      throw new KeyFormatError("unsupported_type", "This line marks a certificate authority (cert-authority), not a login key; add a user's own public key.");
    }
    const rest = text.slice(length).trim();
    if (!startsWithKeyType(rest)) throw malformed("No key type follows the authorized_keys options.");
    const decoded = opensshLine.parse(rest);
    if (!("blob" in decoded)) return decoded;
    return { ...decoded, options: { noTouchRequired: names.includes("no-touch-required"), verifyRequired: names.includes("verify-required") } };
  },
  serialize: (key) => opensshLine.serialize(key),
};
