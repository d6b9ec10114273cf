import type { ParsedPublicKey } from "../../keys/types.js";
import { ParsedKeyCache } from "../parsed-key-cache.js";
import {
  DirectoryError,
  type CertificateAuthorityRecord,
  type CertificateIdentity,
  type CertificateRevocationMatch,
  type PrincipalMap,
  type TrustedAuthority,
} from "../ports.js";

/** A principal map as stored or typed; anything else is refused so a typo cannot widen who signs in. */
export function principalMapOf(text: string): PrincipalMap {
  if (text === "username" || text === "key-id") return text;
  if (/^extension:[\x21-\x7e]+$/.test(text)) return text as PrincipalMap;
  throw new DirectoryError("invalid", `principal map ${JSON.stringify(text)} is not username, key-id or extension:NAME`);
}

/** The columns of a new CA row, from its parsed key. */
export function authorityColumns(name: string, key: ParsedPublicKey, principalMap: PrincipalMap) {
  if (name.trim() === "" || name.length > 128) throw new DirectoryError("invalid", "a CA name is 1 to 128 characters");
  return { name, type: key.type, openssh: key.openssh, fingerprintSha256: key.fingerprintSha256, principalMap: principalMapOf(principalMap) };
}

/** A stored row as the authentication path reads it; null when the stored key text is refused today. */
export function trustedAuthority(row: CertificateAuthorityRecord, parsed: ParsedKeyCache): TrustedAuthority | null {
  const key = parsed.get(row.openssh);
  return key ? { id: row.id, name: row.name, principalMap: principalMapOf(row.principalMap), revokedAt: row.revokedAt, parsed: key } : null;
}

/** The revocation columns for a match (serials are stored as decimal text: uint64 fits no SQL integer). */
export function revocationColumns(match: CertificateRevocationMatch) {
  return {
    serial: "serial" in match ? match.serial.toString() : null,
    keyId: "keyId" in match ? match.keyId : null,
    keyFingerprint: "keyFingerprint" in match ? match.keyFingerprint : null,
  };
}

/** The revocation rows that would match a certificate: any one of them revokes it. */
export function revocationQuery(certificate: CertificateIdentity) {
  return [{ serial: certificate.serial.toString() }, { keyId: certificate.keyId }, { keyFingerprint: certificate.keyFingerprint }];
}
