import type { PublishableKey } from "../store/ports.js";

/*
 * The three texts the directory publishes a key in. None carries the key's comment: it is a
 * label people give a key in the console ("laptop", an e-mail address), not part of the key,
 * and GitHub's `/<user>.keys`, which tools such as ssh-import-id read, prints `type base64` only.
 */

/** OpenSSH's absolute time in UTC, as authorized_keys `expiry-time` and allowed_signers `valid-before` read it. */
function opensshTime(date: Date): string {
  return `${date.toISOString().slice(0, 19).replace(/[-:T]/g, "")}Z`;
}

/** A line of `/<user>.keys`: `type base64`. */
export function keysFileLine(key: PublishableKey): string {
  return key.openssh;
}

/**
 * An authorized_keys line for sshd's AuthorizedKeysCommand, with the options the key was
 * stored with: `no-touch-required` and `verify-required` for security keys, the key's expiry
 * as `expiry-time`, so sshd refuses it at that moment even if it kept the answer, and the
 * options text it was uploaded with (`from=`, `command=`, …). That text never holds the first
 * three (key-options.ts keeps them in their own columns), so no option appears twice.
 */
export function authorizedKeysLine(key: PublishableKey): string {
  const options: string[] = [];
  if (key.securityKey && !key.touchRequired) options.push("no-touch-required");
  if (key.securityKey && key.verifyRequired) options.push("verify-required");
  if (key.expiresAt) options.push(`expiry-time="${opensshTime(key.expiresAt)}"`);
  if (key.sshOptions) options.push(key.sshOptions);
  return options.length ? `${options.join(",")} ${key.openssh}` : key.openssh;
}

/**
 * An allowed_signers line (ssh-keygen(1) ALLOWED SIGNERS): the username as principal, the
 * namespaces when given, the expiry as `valid-before`. A key's authorized_keys options are not
 * carried: allowed_signers has its own, smaller set (no `from=`, `command=`, …) and ssh-keygen
 * refuses a line with one it does not know, and they restrict sshd sessions, not signatures.
 */
export function allowedSignersLine(username: string, key: PublishableKey, namespaces: string | null): string {
  const options: string[] = [];
  if (namespaces !== null) options.push(`namespaces="${namespaces}"`);
  if (key.expiresAt) options.push(`valid-before="${opensshTime(key.expiresAt)}"`);
  return [username, ...(options.length ? [options.join(",")] : []), key.openssh].join(" ");
}
