import { KeyFormatError } from "../errors.js";
import { authorizedKeys } from "./authorized-keys.js";
import type { KeyFormat } from "./format.js";
import { opensshLine } from "./openssh-line.js";
import { pemPkcs1 } from "./pem-pkcs1.js";
import { pemSpki } from "./pem-spki.js";
import { looksLikePrivateKey, privateKeyError } from "./private-key.js";
import { rfc4716 } from "./rfc4716.js";

const keyFormats: readonly KeyFormat[] = [pemSpki, pemPkcs1, rfc4716, opensshLine, authorizedKeys];

/** Picks the format of one trimmed block, or throws why none applies. */
export function sniffFormat(text: string): KeyFormat {
  if (looksLikePrivateKey(text)) throw privateKeyError();
  const format = keyFormats.find((candidate) => candidate.sniff(text));
  if (format) return format;
  const label = /^-{3,5} ?BEGIN ([A-Z0-9 ]{1,40}?) ?-{3,5}/.exec(text)?.[1];
  if (label?.includes("CERTIFICATE")) {
    throw new KeyFormatError("unsupported_type", "X.509 certificates are not accepted; paste an SSH public key.");
  }
  if (label !== undefined) {
    throw new KeyFormatError("malformed_key", `A "${label}" block is not a public key; expected an OpenSSH key line, PUBLIC KEY or RSA PUBLIC KEY.`);
  }
  throw new KeyFormatError("malformed_key", 'This is not a recognised public key. Paste a line like "ssh-ed25519 AAAA… comment" from your .pub file.');
}
