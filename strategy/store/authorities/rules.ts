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

/** A uint64 serial as 20-digit zero-padded decimal text: text order is numeric order in every database. */
function serialText(serial: bigint): string {
  if (serial < 0n || serial > 0xffffffffffffffffn) throw new DirectoryError("invalid", "a certificate serial is a number from 0 to 2^64-1");
  return serial.toString().padStart(20, "0");
}

/** The revocation columns for a match (serials as text: uint64 fits no SQL integer). */
export function revocationColumns(match: CertificateRevocationMatch) {
  const range = "serial" in match ? { from: match.serial, to: match.serial } : "serialFrom" in match ? { from: match.serialFrom, to: match.serialTo } : null;
  if (range && range.from > range.to) throw new DirectoryError("invalid", "a serial range starts after its end");
  return {
    serialFrom: range ? serialText(range.from) : null,
    serialTo: range ? serialText(range.to) : null,
    keyId: "keyId" in match ? match.keyId : null,
    keyFingerprint: "keyFingerprint" in match ? match.keyFingerprint : null,
  };
}

/** A stored revocation as both stores read it. */
interface RevocationColumns {
  caId: string | null;
  serialFrom: string | null;
  serialTo: string | null;
  keyId: string | null;
  keyFingerprint: string | null;
}

/**
 * The rows that revoke a certificate, as a Prisma filter (one indexed query): any row of its CA
 * or of every CA whose serial range holds its serial, or that names its key id or one of its
 * fingerprints. Each branch names its own CA condition so each is an index seek (the serial
 * ones on caId, serialFrom). `keyIdStorable` false leaves out a key id no database can hold.
 */
export function revocationWhere(caId: string, certificate: CertificateIdentity, keyIdStorable = true) {
  const serial = serialText(certificate.serial);
  const inRange = { serialFrom: { lte: serial }, serialTo: { gte: serial } };
  const ofCa = { OR: [{ caId }, { caId: null }] };
  return {
    OR: [
      { caId, ...inRange },
      { caId: null, ...inRange },
      ...(keyIdStorable ? [{ keyId: certificate.keyId, ...ofCa }] : []),
      { keyFingerprint: { in: [certificate.keyFingerprint, ...(certificate.otherFingerprints ?? [])] }, ...ofCa },
    ],
  };
}

/** The same test for one row in memory. */
export function revocationHolds(row: RevocationColumns, caId: string, certificate: CertificateIdentity): boolean {
  if (row.caId !== null && row.caId !== caId) return false;
  const serial = serialText(certificate.serial);
  if (row.serialFrom !== null && row.serialTo !== null && row.serialFrom <= serial && serial <= row.serialTo) return true;
  if (row.keyId !== null && row.keyId === certificate.keyId) return true;
  return (
    row.keyFingerprint !== null && (row.keyFingerprint === certificate.keyFingerprint || (certificate.otherFingerprints ?? []).includes(row.keyFingerprint))
  );
}
