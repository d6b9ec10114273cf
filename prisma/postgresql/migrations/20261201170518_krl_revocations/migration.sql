-- DropIndex
DROP INDEX "CertificateRevocation_caId_idx";

-- AlterTable
ALTER TABLE "CertificateRevocation" ADD COLUMN     "serialFrom" TEXT,
ADD COLUMN     "serialTo" TEXT,
ADD COLUMN     "source" TEXT,
ALTER COLUMN "caId" DROP NOT NULL;

-- A revoked serial becomes a range of one, zero-padded so text order is numeric order (hand-written).
UPDATE "CertificateRevocation" SET "serialFrom" = lpad("serial", 20, '0'), "serialTo" = lpad("serial", 20, '0') WHERE "serial" IS NOT NULL;

ALTER TABLE "CertificateRevocation" DROP COLUMN "serial";

-- CreateIndex
CREATE INDEX "CertificateRevocation_caId_serialFrom_serialTo_idx" ON "CertificateRevocation"("caId", "serialFrom", "serialTo");

-- CreateIndex
CREATE INDEX "CertificateRevocation_keyId_idx" ON "CertificateRevocation"("keyId");

-- CreateIndex
CREATE INDEX "CertificateRevocation_keyFingerprint_idx" ON "CertificateRevocation"("keyFingerprint");

-- CreateIndex
CREATE INDEX "CertificateRevocation_source_idx" ON "CertificateRevocation"("source");
