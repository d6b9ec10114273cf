import { randomUUID } from "node:crypto";
import type { ParsedPublicKey } from "../../keys/types.js";
import { authorityColumns, revocationColumns, revocationHolds, trustedAuthority } from "../authorities/rules.js";
import type { ParsedKeyCache } from "../parsed-key-cache.js";
import {
  DirectoryError,
  type CertificateAuthorityRecord,
  type CertificateAuthorityStore,
  type CertificateIdentity,
  type CertificateRevocationMatch,
  type ImportedRevocation,
  type PrincipalMap,
  type TrustedAuthority,
} from "../ports.js";

interface RevocationRow {
  caId: string | null;
  serialFrom: string | null;
  serialTo: string | null;
  keyId: string | null;
  keyFingerprint: string | null;
  source: string | null;
  reason: string | null;
  createdAt: Date;
}

/** CertificateAuthorityStore in memory, with the Prisma one's uniqueness and cascade rules. */
export class MemoryAuthorities implements CertificateAuthorityStore {
  private readonly rows = new Map<string, CertificateAuthorityRecord>();
  private revocations: RevocationRow[] = [];

  constructor(
    private readonly now: () => number,
    private readonly parsed: ParsedKeyCache,
  ) {}

  private named(name: string): CertificateAuthorityRecord {
    for (const row of this.rows.values()) if (row.name === name) return row;
    throw new DirectoryError("not_found", `no certificate authority ${name}`);
  }

  async findByFingerprint(fingerprintSha256: string): Promise<TrustedAuthority | null> {
    for (const row of this.rows.values()) if (row.fingerprintSha256 === fingerprintSha256) return trustedAuthority(row, this.parsed);
    return null;
  }

  async isRevoked(caId: string, certificate: CertificateIdentity): Promise<boolean> {
    return this.revocations.some((r) => revocationHolds(r, caId, certificate));
  }

  async markUsed(caId: string, at: Date): Promise<void> {
    const row = this.rows.get(caId);
    if (row) row.lastUsedAt = at;
  }

  async add(name: string, key: ParsedPublicKey, principalMap: PrincipalMap): Promise<CertificateAuthorityRecord> {
    const columns = authorityColumns(name, key, principalMap);
    for (const row of this.rows.values()) {
      if (row.name === name || row.fingerprintSha256 === columns.fingerprintSha256)
        throw new DirectoryError("conflict", "this CA name or key is already trusted");
    }
    const row: CertificateAuthorityRecord = { id: randomUUID(), ...columns, createdAt: new Date(this.now()), lastUsedAt: null, revokedAt: null };
    this.rows.set(row.id, row);
    return { ...row };
  }

  async list(): Promise<CertificateAuthorityRecord[]> {
    return [...this.rows.values()].sort((a, b) => (a.name < b.name ? -1 : 1)).map((row) => ({ ...row }));
  }

  async remove(name: string): Promise<CertificateAuthorityRecord> {
    const row = this.named(name);
    this.rows.delete(row.id);
    this.revocations = this.revocations.filter((r) => r.caId !== row.id);
    return { ...row };
  }

  async revokeAll(name: string): Promise<CertificateAuthorityRecord> {
    const row = this.named(name);
    row.revokedAt ??= new Date(this.now());
    return { ...row };
  }

  async revokeCertificates(name: string, match: CertificateRevocationMatch, reason?: string): Promise<void> {
    const row = this.named(name);
    this.revocations.push({ caId: row.id, ...revocationColumns(match), source: null, reason: reason ?? null, createdAt: new Date(this.now()) });
  }

  async replaceImportedRevocations(source: string, revocations: readonly ImportedRevocation[]): Promise<void> {
    const createdAt = new Date(this.now());
    // Built in full before anything changes, so a refused row leaves the previous import in place.
    const rows = revocations.map(({ caId, match }): RevocationRow => {
      if (caId !== null && !this.rows.has(caId)) throw new DirectoryError("not_found", `no certificate authority with id ${caId}`);
      return { caId, ...revocationColumns(match), source, reason: null, createdAt };
    });
    this.revocations = [...this.revocations.filter((r) => r.source !== source), ...rows];
  }

  async countRevocations(): Promise<Map<string | null, number>> {
    const counts = new Map<string | null, number>();
    for (const r of this.revocations) counts.set(r.caId, (counts.get(r.caId) ?? 0) + 1);
    return counts;
  }
}
