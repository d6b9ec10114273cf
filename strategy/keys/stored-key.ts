import { assemble } from "./assemble.js";
import { KeyFormatError } from "./errors.js";
import { opensshLine } from "./formats/openssh-line.js";
import { materialFromBlob } from "./material.js";
import { keyLimits, type KeyPolicyOptions } from "./policy.js";
import type { ParsedPublicKey } from "./types.js";

// Keys are ASCII; a stored comment never holds control characters either (parsePublicKey refuses them).
const controlCharacter = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

/**
 * A key as the store keeps it: the one-line `type base64` text every write path saves
 * (`ParsedPublicKey.openssh`). Read with the OpenSSH line codec alone, so the paths that only
 * read stored rows (sshd's `authorized-keys`, the sign-in lookups) load none of the other text
 * formats; every check on the key itself (weak points, RSA sizes, the policy) is the same as at upload.
 *
 * @throws {KeyFormatError} for text that is not one acceptable key line.
 */
export function parseStoredKey(text: string, policy: KeyPolicyOptions = {}): ParsedPublicKey {
  if (text.length > keyLimits.maxKeyBytes) throw new KeyFormatError("too_large", `The key is larger than ${keyLimits.maxKeyBytes / 1024} KiB.`);
  const at = text.search(controlCharacter);
  if (at >= 0) throw new KeyFormatError("malformed_key", `The key contains a control character (position ${at + 1}).`);
  try {
    const decoded = opensshLine.parse(text);
    if (!("blob" in decoded)) throw new KeyFormatError("malformed_key", "The stored key is not an OpenSSH key line.");
    return assemble(materialFromBlob(decoded.blob, policy), decoded.comment);
  } catch (error) {
    if (error instanceof KeyFormatError && error.format === undefined) throw error.withFormat(opensshLine.name);
    throw error;
  }
}
