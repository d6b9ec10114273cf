-- AlterTable
ALTER TABLE "User" ADD COLUMN     "origin" TEXT NOT NULL DEFAULT 'local';

-- AlterTable
ALTER TABLE "PublicKey" ADD COLUMN     "origin" TEXT NOT NULL DEFAULT 'upload',
ADD COLUMN     "originRef" TEXT,
ADD COLUMN     "sourceId" TEXT,
ADD COLUMN     "sshOptions" TEXT,
ADD COLUMN     "unverified" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "verifiedAt" TIMESTAMP(3);

-- CreateTable
CREATE TABLE "KeySource" (
    "id" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "ref" TEXT NOT NULL,
    "url" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastSyncedAt" TIMESTAMP(3),
    "lastError" TEXT,
    "retryAfter" TIMESTAMP(3),

    CONSTRAINT "KeySource_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "KeySource_userId_url_key" ON "KeySource"("userId", "url");

-- CreateIndex
CREATE INDEX "PublicKey_sourceId_idx" ON "PublicKey"("sourceId");

-- AddForeignKey
ALTER TABLE "PublicKey" ADD CONSTRAINT "PublicKey_sourceId_fkey" FOREIGN KEY ("sourceId") REFERENCES "KeySource"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "KeySource" ADD CONSTRAINT "KeySource_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;
