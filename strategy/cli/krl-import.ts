// What `ca import-krl` does with a decoded KRL: the revocations it holds for CAs trusted here
// replace those of the previous import from the same source, and stored keys it names are
// revoked through the KeyDirectory port like `keys revoke` (ssh-keygen -Q would call them revoked).
import { fingerprintSha1, fingerprintSha256, formatSha256Fingerprint } from "../keys/fingerprint.js";
import type { Krl, KrlSerialRange } from "../keys/krl.js";
import type { CertificateAuthorityRecord, ImportedRevocation, SshKeyStore } from "../store/index.js";
import { CliError } from "./errors.js";

/** Rows one import may write: far above any real KRL, low enough that a hostile one cannot fill the database. */
const maxRevocations = 1_000_000;

/** Longer key ids are refused: PostgreSQL cannot index them, and no issuer writes one. */
const maxKeyIdBytes = 1024;

export interface KrlImportReport {
  /** One line per CA (or "every CA") with what applies to it, warnings, revoked stored keys, then the total. */
  notes: string[];
  revocations: number;
}

const plural = (n: number, what: string) => `${n} ${what}${n === 1 ? "" : "s"}`;

/** Overlapping and adjacent ranges as one, so a long serial list costs one row. */
function mergedRanges(ranges: readonly KrlSerialRange[]): KrlSerialRange[] {
  const sorted = [...ranges].sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : 0));
  const merged: { from: bigint; to: bigint }[] = [];
  for (const range of sorted) {
    const last = merged.at(-1);
    if (last && range.from <= last.to + 1n) last.to = range.to > last.to ? range.to : last.to;
    else merged.push({ ...range });
  }
  return merged;
}

/** The SHA-1 and SHA-256 fingerprints, as the store holds them, of every key the KRL's key sections name. */
function revokedKeyFingerprints(krl: Krl): Set<string> {
  const base64 = (digest: Buffer) => digest.toString("base64").replace(/=+$/, "");
  return new Set([
    // An explicit key is matched by its blob; its SHA-256 is as exact and is what the store indexes.
    ...krl.keys.map((blob) => fingerprintSha256(blob)),
    ...krl.sha256.map((digest) => formatSha256Fingerprint(digest)),
    ...krl.sha1.map((digest) => `SHA1:${base64(digest)}`),
  ]);
}

/** The revocations of the KRL's certificate sections, per CA trusted here (null: every CA); sections of other CAs are warned about. */
function certificateRevocations(krl: Krl, authorities: readonly CertificateAuthorityRecord[], notes: string[]): ImportedRevocation[] {
  const byCa = new Map<string | null, { ranges: KrlSerialRange[]; keyIds: Set<string> }>();
  for (const section of krl.certificates) {
    let caId: string | null = null;
    if (section.caKey !== null) {
      const fingerprint = fingerprintSha256(section.caKey);
      const authority = authorities.find((a) => a.fingerprintSha256 === fingerprint);
      if (!authority) {
        notes.push(
          `warning: skipped the certificates of CA ${fingerprint}, which is not trusted here ` +
            `(${plural(section.serialRanges.length, "serial range")}, ${plural(section.keyIds.length, "key id")})`,
        );
        continue;
      }
      caId = authority.id;
    }
    const entry = byCa.get(caId) ?? { ranges: [], keyIds: new Set<string>() };
    entry.ranges.push(...section.serialRanges);
    for (const keyId of section.keyIds) {
      if (Buffer.byteLength(keyId) > maxKeyIdBytes)
        throw new CliError(`the KRL revokes a key id longer than ${maxKeyIdBytes} bytes; refusing the whole import`);
      entry.keyIds.add(keyId);
    }
    byCa.set(caId, entry);
  }
  const rows: ImportedRevocation[] = [];
  for (const [caId, { ranges, keyIds }] of byCa) {
    const merged = mergedRanges(ranges);
    const name = caId === null ? "every CA" : `CA ${authorities.find((a) => a.id === caId)!.name}`;
    notes.push(`${name}: ${plural(merged.length, "serial range")}, ${plural(keyIds.size, "key id")}`);
    for (const range of merged) rows.push({ caId, match: { serialFrom: range.from, serialTo: range.to } });
    for (const keyId of keyIds) rows.push({ caId, match: { keyId } });
  }
  return rows;
}

/** Stored keys the KRL names, revoked now (already revoked ones are left as they are). */
async function revokeStoredKeys(store: SshKeyStore, fingerprints: ReadonlySet<string>, source: string, notes: string[]): Promise<void> {
  if (fingerprints.size === 0) return;
  for (const key of await store.directory.listKeys()) {
    if (key.revokedAt !== null) continue;
    const blob = Buffer.from(key.openssh.split(" ")[1] ?? "", "base64");
    if (!fingerprints.has(key.fingerprintSha256) && !fingerprints.has(fingerprintSha1(blob))) continue;
    await store.directory.revokeKey(key.fingerprintSha256, `KRL ${source}`);
    notes.push(`revoked stored key ${key.fingerprintSha256} of ${key.username}`);
  }
}

/** A source names an import across runs: printable text, as a CA name is. */
export function krlSourceName(text: string): string {
  if (!/^[\x21-\x7e][\x20-\x7e]{0,127}$/.test(text)) throw new CliError(`--source must be 1 to 128 printable ASCII characters (got ${JSON.stringify(text)})`);
  return text;
}

export async function importKrl(store: SshKeyStore, krl: Krl, source: string): Promise<KrlImportReport> {
  const notes: string[] = [];
  const rows = certificateRevocations(krl, await store.authorities.list(), notes);
  const fingerprints = revokedKeyFingerprints(krl);
  if (fingerprints.size > 0) {
    const counts = [plural(krl.keys.length, "key"), plural(krl.sha1.length, "SHA-1 fingerprint"), plural(krl.sha256.length, "SHA-256 fingerprint")];
    notes.push(`keys, certified by any CA: ${counts.join(", ")}`);
  }
  for (const keyFingerprint of fingerprints) rows.push({ caId: null, match: { keyFingerprint } });
  if (krl.signatures > 0) notes.push(`warning: ${plural(krl.signatures, "signature section")} not verified (OpenSSH does not verify them either)`);
  if (rows.length > maxRevocations) throw new CliError(`the KRL holds ${rows.length} revocations; at most ${maxRevocations} are imported at once`);
  await store.authorities.replaceImportedRevocations(source, rows);
  await revokeStoredKeys(store, fingerprints, source, notes);
  notes.push(`imported ${plural(rows.length, "revocation")} from ${source}, replacing its previous import`);
  return { notes, revocations: rows.length };
}
