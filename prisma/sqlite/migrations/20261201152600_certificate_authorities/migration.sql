-- CreateTable
CREATE TABLE "CertificateAuthority" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "openssh" TEXT NOT NULL,
    "fingerprintSha256" TEXT NOT NULL,
    "principalMap" TEXT NOT NULL DEFAULT 'username',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastUsedAt" DATETIME,
    "revokedAt" DATETIME
);

-- CreateTable
CREATE TABLE "CertificateRevocation" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "caId" TEXT NOT NULL,
    "serial" TEXT,
    "keyId" TEXT,
    "keyFingerprint" TEXT,
    "reason" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "CertificateRevocation_caId_fkey" FOREIGN KEY ("caId") REFERENCES "CertificateAuthority" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE UNIQUE INDEX "CertificateAuthority_name_key" ON "CertificateAuthority"("name");

-- CreateIndex
CREATE UNIQUE INDEX "CertificateAuthority_fingerprintSha256_key" ON "CertificateAuthority"("fingerprintSha256");

-- CreateIndex
CREATE INDEX "CertificateRevocation_caId_idx" ON "CertificateRevocation"("caId");
