import { assemble } from "./assemble.js";
import { KeyFormatError } from "./errors.js";
import { opensshLine } from "./formats/openssh-line.js";
import { materialFromBlob } from "./material.js";
import { keyLimits, type KeyPolicyOptions } from "./policy.js";
import { checkNoControlCharacter, checkSize } from "./text-checks.js";
import type { ParsedPublicKey } from "./types.js";

/**
 * A key as the store keeps it: the one-line `type base64` text every write path saves
 * (`ParsedPublicKey.openssh`). Read with the OpenSSH line codec alone, so the paths that only
 * read stored rows (sshd's `authorized-keys`, the sign-in lookups) load none of the other text
 * formats; every check on the key itself (weak points, RSA sizes, the policy) is the same as at upload.
 *
 * @throws {KeyFormatError} for text that is not one acceptable key line.
 */
export function parseStoredKey(text: string, policy: KeyPolicyOptions = {}): ParsedPublicKey {
  checkSize(text, keyLimits.maxKeyBytes, "The key");
  checkNoControlCharacter(text);
  try {
    const decoded = opensshLine.parse(text);
    return assemble(materialFromBlob(decoded.blob, policy), decoded.comment);
  } catch (error) {
    if (error instanceof KeyFormatError && error.format === undefined) throw error.withFormat(opensshLine.name);
    throw error;
  }
}
