-- CreateTable
CREATE TABLE "CertificateAuthority" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "openssh" TEXT NOT NULL,
    "fingerprintSha256" TEXT NOT NULL,
    "principalMap" TEXT NOT NULL DEFAULT 'username',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastUsedAt" TIMESTAMP(3),
    "revokedAt" TIMESTAMP(3),

    CONSTRAINT "CertificateAuthority_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CertificateRevocation" (
    "id" TEXT NOT NULL,
    "caId" TEXT NOT NULL,
    "serial" TEXT,
    "keyId" TEXT,
    "keyFingerprint" TEXT,
    "reason" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CertificateRevocation_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "CertificateAuthority_name_key" ON "CertificateAuthority"("name");

-- CreateIndex
CREATE UNIQUE INDEX "CertificateAuthority_fingerprintSha256_key" ON "CertificateAuthority"("fingerprintSha256");

-- CreateIndex
CREATE INDEX "CertificateRevocation_caId_idx" ON "CertificateRevocation"("caId");

-- AddForeignKey
ALTER TABLE "CertificateRevocation" ADD CONSTRAINT "CertificateRevocation_caId_fkey" FOREIGN KEY ("caId") REFERENCES "CertificateAuthority"("id") ON DELETE CASCADE ON UPDATE CASCADE;
