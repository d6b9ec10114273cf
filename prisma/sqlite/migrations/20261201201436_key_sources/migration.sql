-- CreateTable
CREATE TABLE "KeySource" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "userId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "ref" TEXT NOT NULL,
    "url" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastSyncedAt" DATETIME,
    "lastError" TEXT,
    "retryAfter" DATETIME,
    CONSTRAINT "KeySource_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_User" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "username" TEXT NOT NULL,
    "isAdmin" BOOLEAN NOT NULL DEFAULT false,
    "disabled" BOOLEAN NOT NULL DEFAULT false,
    "requireUserVerification" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "origin" TEXT NOT NULL DEFAULT 'local'
);
INSERT INTO "new_User" ("createdAt", "disabled", "id", "isAdmin", "requireUserVerification", "updatedAt", "username") SELECT "createdAt", "disabled", "id", "isAdmin", "requireUserVerification", "updatedAt", "username" FROM "User";
DROP TABLE "User";
ALTER TABLE "new_User" RENAME TO "User";
CREATE UNIQUE INDEX "User_username_key" ON "User"("username");
CREATE TABLE "new_PublicKey" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "userId" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "bits" INTEGER NOT NULL,
    "openssh" TEXT NOT NULL,
    "fingerprintSha256" TEXT NOT NULL,
    "fingerprintMd5" TEXT NOT NULL,
    "kid" TEXT NOT NULL,
    "crtauthFingerprint" TEXT,
    "comment" TEXT NOT NULL DEFAULT '',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" DATETIME,
    "lastUsedAt" DATETIME,
    "lastUsedIp" TEXT,
    "lastUsedScheme" TEXT,
    "useCount" INTEGER NOT NULL DEFAULT 0,
    "revokedAt" DATETIME,
    "revokedReason" TEXT,
    "touchRequired" BOOLEAN NOT NULL DEFAULT true,
    "verifyRequired" BOOLEAN NOT NULL DEFAULT false,
    "signCounter" BIGINT,
    "origin" TEXT NOT NULL DEFAULT 'upload',
    "originRef" TEXT,
    "sourceId" TEXT,
    "sshOptions" TEXT,
    "unverified" BOOLEAN NOT NULL DEFAULT false,
    "verifiedAt" DATETIME,
    CONSTRAINT "PublicKey_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "PublicKey_sourceId_fkey" FOREIGN KEY ("sourceId") REFERENCES "KeySource" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);
INSERT INTO "new_PublicKey" ("bits", "comment", "createdAt", "crtauthFingerprint", "expiresAt", "fingerprintMd5", "fingerprintSha256", "id", "kid", "lastUsedAt", "lastUsedIp", "lastUsedScheme", "openssh", "revokedAt", "revokedReason", "signCounter", "touchRequired", "type", "useCount", "userId", "verifyRequired") SELECT "bits", "comment", "createdAt", "crtauthFingerprint", "expiresAt", "fingerprintMd5", "fingerprintSha256", "id", "kid", "lastUsedAt", "lastUsedIp", "lastUsedScheme", "openssh", "revokedAt", "revokedReason", "signCounter", "touchRequired", "type", "useCount", "userId", "verifyRequired" FROM "PublicKey";
DROP TABLE "PublicKey";
ALTER TABLE "new_PublicKey" RENAME TO "PublicKey";
CREATE UNIQUE INDEX "PublicKey_fingerprintSha256_key" ON "PublicKey"("fingerprintSha256");
CREATE UNIQUE INDEX "PublicKey_kid_key" ON "PublicKey"("kid");
CREATE INDEX "PublicKey_userId_createdAt_idx" ON "PublicKey"("userId", "createdAt");
CREATE INDEX "PublicKey_crtauthFingerprint_idx" ON "PublicKey"("crtauthFingerprint");
CREATE INDEX "PublicKey_sourceId_idx" ON "PublicKey"("sourceId");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE UNIQUE INDEX "KeySource_userId_url_key" ON "KeySource"("userId", "url");
