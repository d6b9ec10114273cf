import type { ParsedPublicKey } from "../../keys/types.js";
import { authorityColumns, principalMapOf, revocationColumns, revocationWhere, trustedAuthority } from "../authorities/rules.js";
import { nameable, type ParsedKeyCache } from "../parsed-key-cache.js";
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
import type { Prisma } from "./client.js";

function record<T extends { principalMap: string }>(row: T): T & { principalMap: PrincipalMap } {
  return { ...row, principalMap: principalMapOf(row.principalMap) };
}

/** CertificateAuthorityStore over Prisma; nothing is cached, so every instance sees a change at once. */
export class PrismaAuthorities implements CertificateAuthorityStore {
  constructor(
    private readonly prisma: Prisma,
    private readonly parsed: ParsedKeyCache,
  ) {}

  private async named(name: string): Promise<CertificateAuthorityRecord> {
    const row = nameable(name) ? await this.prisma.certificateAuthority.findUnique({ where: { name } }) : null;
    if (!row) throw new DirectoryError("not_found", `no certificate authority ${name}`);
    return record(row);
  }

  async findByFingerprint(fingerprintSha256: string): Promise<TrustedAuthority | null> {
    if (!nameable(fingerprintSha256)) return null;
    const row = await this.prisma.certificateAuthority.findUnique({ where: { fingerprintSha256 } });
    return row ? trustedAuthority(record(row), this.parsed) : null;
  }

  async isRevoked(caId: string, certificate: CertificateIdentity): Promise<boolean> {
    // A key id no database can hold (decodeCertificate already refuses NUL) cannot be a revoked one: its serial and key still can.
    return (await this.prisma.certificateRevocation.count({ where: revocationWhere(caId, certificate, nameable(certificate.keyId)) })) > 0;
  }

  async markUsed(caId: string, at: Date): Promise<void> {
    await this.prisma.certificateAuthority.updateMany({ where: { id: caId }, data: { lastUsedAt: at } });
  }

  async add(name: string, key: ParsedPublicKey, principalMap: PrincipalMap): Promise<CertificateAuthorityRecord> {
    try {
      return record(await this.prisma.certificateAuthority.create({ data: authorityColumns(name, key, principalMap) }));
    } catch (error) {
      if ((error as { code?: unknown }).code === "P2002") throw new DirectoryError("conflict", "this CA name or key is already trusted");
      throw error;
    }
  }

  async list(): Promise<CertificateAuthorityRecord[]> {
    return (await this.prisma.certificateAuthority.findMany({ orderBy: { name: "asc" } })).map(record);
  }

  async remove(name: string): Promise<CertificateAuthorityRecord> {
    const row = await this.named(name);
    await this.prisma.certificateAuthority.deleteMany({ where: { id: row.id } });
    return row;
  }

  async revokeAll(name: string): Promise<CertificateAuthorityRecord> {
    const row = await this.named(name);
    if (row.revokedAt) return row;
    return record(await this.prisma.certificateAuthority.update({ where: { id: row.id }, data: { revokedAt: new Date() } }));
  }

  async revokeCertificates(name: string, match: CertificateRevocationMatch, reason?: string): Promise<void> {
    const row = await this.named(name);
    await this.prisma.certificateRevocation.create({ data: { caId: row.id, ...revocationColumns(match), reason: reason ?? null } });
  }

  async replaceImportedRevocations(source: string, revocations: readonly ImportedRevocation[]): Promise<void> {
    const data = revocations.map(({ caId, match }) => ({ caId, ...revocationColumns(match), source }));
    try {
      await this.prisma.$transaction([
        this.prisma.certificateRevocation.deleteMany({ where: { source } }),
        this.prisma.certificateRevocation.createMany({ data }),
      ]);
    } catch (error) {
      // A CA removed while the KRL was being read.
      if ((error as { code?: unknown }).code === "P2003") throw new DirectoryError("not_found", "a certificate authority was removed during the import");
      throw error;
    }
  }

  async countRevocations(): Promise<Map<string | null, number>> {
    const groups = await this.prisma.certificateRevocation.groupBy({ by: ["caId"], _count: { _all: true } });
    return new Map(groups.map((g) => [g.caId, g._count._all]));
  }
}
