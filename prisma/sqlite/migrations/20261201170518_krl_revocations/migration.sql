-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_CertificateRevocation" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "caId" TEXT,
    "keyId" TEXT,
    "keyFingerprint" TEXT,
    "reason" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "serialFrom" TEXT,
    "serialTo" TEXT,
    "source" TEXT,
    CONSTRAINT "CertificateRevocation_caId_fkey" FOREIGN KEY ("caId") REFERENCES "CertificateAuthority" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
-- A revoked serial becomes a range of one, zero-padded so text order is numeric order (hand-written).
INSERT INTO "new_CertificateRevocation" ("caId", "createdAt", "id", "keyFingerprint", "keyId", "reason", "serialFrom", "serialTo") SELECT "caId", "createdAt", "id", "keyFingerprint", "keyId", "reason", substr('00000000000000000000' || "serial", -20), substr('00000000000000000000' || "serial", -20) FROM "CertificateRevocation";
DROP TABLE "CertificateRevocation";
ALTER TABLE "new_CertificateRevocation" RENAME TO "CertificateRevocation";
CREATE INDEX "CertificateRevocation_caId_serialFrom_serialTo_idx" ON "CertificateRevocation"("caId", "serialFrom", "serialTo");
CREATE INDEX "CertificateRevocation_keyId_idx" ON "CertificateRevocation"("keyId");
CREATE INDEX "CertificateRevocation_keyFingerprint_idx" ON "CertificateRevocation"("keyFingerprint");
CREATE INDEX "CertificateRevocation_source_idx" ON "CertificateRevocation"("source");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;
