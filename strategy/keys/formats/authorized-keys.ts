import { KeyFormatError } from "../errors.js";
import type { KeyFormat } from "./format.js";
import { checkOptions, readOptions } from "./key-options.js";
import { opensshLine, startsWithKeyType } from "./openssh-line.js";

/**
 * An authorized_keys line: options (checked as sshd reads them, see key-options.ts), then a
 * key line. The options travel with the key: `no-touch-required` and `verify-required` say
 * what a security key's signatures must carry, `expiry-time` when the key expires, and the rest
 * are kept for sshd (`from=` is also enforced on HTTP logins).
 */
export const authorizedKeys: KeyFormat = {
  name: "authorized_keys",
  sniff: (text) => !text.includes("\n") && !startsWithKeyType(text) && /^[A-Za-z0-9_-]+(?:[=,]|[ \t]+[A-Za-z0-9])/.test(text),
  parse(text) {
    const { options, length } = readOptions(text);
    if (length >= text.length) throw new KeyFormatError("malformed_key", "The line has authorized_keys options but no key.");
    const lineOptions = checkOptions(options);
    const rest = text.slice(length).trim();
    if (!startsWithKeyType(rest)) throw new KeyFormatError("malformed_key", "No key type follows the authorized_keys options.");
    return { ...opensshLine.parse(rest), options: lineOptions };
  },
  serialize: (key) => opensshLine.serialize(key),
};
