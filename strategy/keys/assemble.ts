import { crtauthFingerprint, fingerprintMd5, fingerprintSha256, keyId } from "./fingerprint.js";
import type { KeyMaterial } from "./material.js";
import type { ParsedPublicKey } from "./types.js";

/** Derives every identifier once, so cached keys never recompute them. */
export function assemble(material: KeyMaterial, comment: string): ParsedPublicKey {
  const { type, bits, curve, blob, keyObject } = material;
  return Object.freeze({
    type,
    bits,
    curve,
    openssh: `${type} ${blob.toString("base64")}`,
    comment: comment.trim(),
    fingerprintSha256: fingerprintSha256(blob),
    fingerprintMd5: fingerprintMd5(blob),
    kid: keyId(keyObject),
    crtauthFingerprint: type === "ssh-rsa" ? crtauthFingerprint(blob) : null,
    blob,
    keyObject,
  });
}
