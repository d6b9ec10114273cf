import { createHmac, timingSafeEqual } from "node:crypto";

/** An HMAC secret: raw bytes, or a string taken as its UTF-8 bytes (as upstream takes `str`). */
export type CrtauthSecret = string | Uint8Array;

/**
 * One secret, or several for rotation: the first mints, every one is accepted.
 * Empty secrets are refused (Java's builder does the same).
 */
export type CrtauthSecrets = CrtauthSecret | readonly CrtauthSecret[];

export function secretList(secrets: CrtauthSecrets): Buffer[] {
  const list = typeof secrets === "string" || secrets instanceof Uint8Array ? [secrets] : [...secrets];
  if (list.length === 0) throw new TypeError("crtauth needs at least one secret");
  return list.map((s) => {
    // Buffers are used as they are (not copied): the token check calls this per request.
    const bytes = typeof s === "string" ? Buffer.from(s, "utf8") : Buffer.isBuffer(s) ? s : Buffer.from(s);
    if (bytes.length === 0) throw new TypeError("crtauth secrets must not be empty");
    return bytes;
  });
}

/** The secret that mints new challenges and tokens. */
export function currentSecret(secrets: CrtauthSecrets): Buffer {
  return secretList(secrets)[0]!;
}

export function hmac(algorithm: "sha256" | "sha1", secret: Buffer, data: Uint8Array): Buffer {
  return createHmac(algorithm, secret).update(data).digest();
}

/** Does `mac` match the HMAC of `data` under any of the secrets? Constant-time per secret. */
export function macMatchesAny(algorithm: "sha256" | "sha1", secrets: readonly Buffer[], data: Uint8Array, mac: Buffer): boolean {
  let matched = false;
  for (const secret of secrets) {
    const expected = hmac(algorithm, secret, data);
    if (expected.length === mac.length && timingSafeEqual(expected, mac)) matched = true;
  }
  return matched;
}
