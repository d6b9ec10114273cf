import { KeyFormatError } from "../errors.js";

const privateMarkers = [
  /BEGIN [A-Z0-9 ]*PRIVATE KEY/i, // OPENSSH, RSA, EC, DSA, PKCS#8, ENCRYPTED, SSH2 ENCRYPTED
  /PuTTY-User-Key-File-/,
  /^Private-(?:Lines|MAC):/m,
  /b3BlbnNzaC1rZXktdjE/, // base64 of "openssh-key-v1\0": a private key body without its armor
];

/** True when the text holds (part of) a private key in any common form. */
export function looksLikePrivateKey(text: string): boolean {
  return privateMarkers.some((marker) => marker.test(text));
}

/** Deliberately carries nothing from the input. */
export function privateKeyError(): KeyFormatError {
  return new KeyFormatError(
    "private_key",
    "This is a PRIVATE key. It was not stored. Paste the public key instead (the .pub file, e.g. ~/.ssh/id_ed25519.pub). " +
      "If you pasted the private key anywhere untrusted, consider it compromised and replace it.",
  );
}
