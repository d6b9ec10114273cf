import { createPrivateKey } from "node:crypto";
import { KeyFormatError } from "../errors.js";

const privateMarkers = [
  /BEGIN [A-Z0-9 ]*PRIVATE KEY/i, // OPENSSH, RSA, EC, DSA, PKCS#8, ENCRYPTED, SSH2 ENCRYPTED
  /PuTTY-User-Key-File-/,
  /^Private-(?:Lines|MAC):/m,
  /b3BlbnNzaC1rZXktdjE/, // base64 of "openssh-key-v1\0": a private key body without its armor
  /"d"\s*:\s*"[A-Za-z0-9_-]{20,}"/, // a private JWK
];

// The shortest private key DER (Ed25519 PKCS#8, 48 bytes) is 64 base64 characters.
const base64Run = /[A-Za-z0-9+/_-]{60,}={0,2}/g;
const derTypes = ["pkcs8", "pkcs1", "sec1"] as const;

/**
 * A private key's DER body without its PEM armor, e.g. pasted as a key's comment: no
 * marker gives it away, so every long base64 run that starts like DER (a SEQUENCE) is
 * handed to node:crypto. Public key blobs start "AAAA" and are skipped at the first byte.
 */
function holdsPrivateKeyDer(text: string): boolean {
  for (const [run] of text.matchAll(base64Run)) {
    const der = Buffer.from(run, /[-_]/.test(run) ? "base64url" : "base64");
    if (der[0] !== 0x30) continue;
    for (const type of derTypes) {
      try {
        createPrivateKey({ key: der, format: "der", type });
        return true;
      } catch (error) {
        // An encrypted PKCS#8 body is still a private key.
        if ((error as { code?: unknown }).code === "ERR_MISSING_PASSPHRASE") return true;
      }
    }
  }
  return false;
}

/** True when the text holds (part of) a private key in any common form, armored or not. */
export function looksLikePrivateKey(text: string): boolean {
  return privateMarkers.some((marker) => marker.test(text)) || holdsPrivateKeyDer(text);
}

/** Deliberately carries nothing from the input. */
export function privateKeyError(): KeyFormatError {
  return new KeyFormatError(
    "private_key",
    "This is a PRIVATE key. It was not stored. Paste the public key instead (the .pub file, e.g. ~/.ssh/id_ed25519.pub). " +
      "If you pasted the private key anywhere untrusted, consider it compromised and replace it.",
  );
}
