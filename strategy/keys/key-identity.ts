import { parseKeyPaste } from "./parse.js";
import type { KeyPolicyOptions } from "./policy.js";

/** Exactly one key, by its fingerprint: SHA-256 as stored ("SHA256:…"), or MD5 as stored (colon hex, no "MD5:"). */
export type KeyIdentity = { fingerprintSha256: string } | { fingerprintMd5: string };

const sha256 = /^SHA256:([A-Za-z0-9+/]{43})=?$/i;
const md5 = /^(?:MD5:)?((?:[0-9a-f]{2}:){15}[0-9a-f]{2})$/i;
/** Every SSH wire blob starts with a length below 2^24, so its base64 starts with AAAA. */
const looksLikeKeyText = /AAAA[A-Za-z0-9+/]{20,}/;

/**
 * The key a search names, if it names one: "Whose key is this?" in the admin search. A
 * fingerprint as `ssh-keygen -l` prints it (`SHA256:…`, `MD5:aa:bb:…`, or the MD5 hex alone),
 * or a public key in any form a paste takes (a .pub line with options and comment, RFC 4716,
 * PEM), which is looked up by its SHA-256 fingerprint. Null for anything else: plain search text.
 */
export function keyIdentityOf(text: string, policy: KeyPolicyOptions): KeyIdentity | null {
  const q = text.trim();
  const byHash = sha256.exec(q);
  // The base64 is case-sensitive; only the prefix is not.
  if (byHash) return { fingerprintSha256: `SHA256:${byHash[1]}` };
  const byMd5 = md5.exec(q);
  if (byMd5) return { fingerprintMd5: byMd5[1]!.toLowerCase() };
  if (!looksLikeKeyText.test(q)) return null;
  const entries = parseKeyPaste(q, policy);
  const only = entries.length === 1 ? entries[0]! : null;
  return only?.ok ? { fingerprintSha256: only.key.fingerprintSha256 } : null;
}

/** Search text with an "MD5:" prefix dropped: the column holds the hex alone, so a partial MD5 fingerprint still matches. */
export function searchText(text: string): string {
  return text.replace(/^MD5:/i, "");
}
