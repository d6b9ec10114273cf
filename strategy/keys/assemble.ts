import { createHash } from "node:crypto";
import { crtauthFingerprint, fingerprintMd5, fingerprintSha256, keyId } from "./fingerprint.js";
import type { KeyLineOptions } from "./formats/key-options.js";
import type { KeyMaterial } from "./material.js";
import type { ParsedPublicKey, SecurityKeyFacts } from "./types.js";

function securityKeyFacts(application: string | null, options: KeyLineOptions | undefined): SecurityKeyFacts | null {
  if (application === null) return null;
  return Object.freeze({ application, touchRequired: !(options?.noTouchRequired ?? false), verifyRequired: options?.verifyRequired ?? false });
}

/**
 * Derives every identifier once, so cached keys never recompute them. `options` are the
 * authorized_keys options the key came with.
 */
export function assemble(material: KeyMaterial, comment: string, options?: KeyLineOptions | undefined): ParsedPublicKey {
  const { type, bits, curve, blob, keyObject, application } = material;
  return Object.freeze({
    type,
    bits,
    curve,
    openssh: `${type} ${blob.toString("base64")}`,
    comment: comment.trim(),
    fingerprintSha256: fingerprintSha256(blob),
    fingerprintMd5: fingerprintMd5(blob),
    // An sk-* key holds a plain key whose SPKI (the JWT kid's input) anyone could also upload
    // as that plain key; its kid is over its own blob so the two never share a kid. JWT never
    // signs with sk-* keys, so no client computes it.
    kid: application === null ? keyId(keyObject) : createHash("sha256").update(blob).digest("hex"),
    crtauthFingerprint: type === "ssh-rsa" ? crtauthFingerprint(blob) : null,
    blob,
    keyObject,
    securityKey: securityKeyFacts(application, options),
    sshOptions: options?.sshOptions ?? null,
    expiryTime: options?.expiresAt ?? null,
  });
}
