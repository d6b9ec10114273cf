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
    "updatedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);
INSERT INTO "new_User" ("createdAt", "disabled", "id", "isAdmin", "updatedAt", "username") SELECT "createdAt", "disabled", "id", "isAdmin", "updatedAt", "username" FROM "User";
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
    CONSTRAINT "PublicKey_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_PublicKey" ("bits", "comment", "createdAt", "crtauthFingerprint", "expiresAt", "fingerprintMd5", "fingerprintSha256", "id", "kid", "lastUsedAt", "lastUsedIp", "lastUsedScheme", "openssh", "revokedAt", "revokedReason", "type", "useCount", "userId") SELECT "bits", "comment", "createdAt", "crtauthFingerprint", "expiresAt", "fingerprintMd5", "fingerprintSha256", "id", "kid", "lastUsedAt", "lastUsedIp", "lastUsedScheme", "openssh", "revokedAt", "revokedReason", "type", "useCount", "userId" FROM "PublicKey";
DROP TABLE "PublicKey";
ALTER TABLE "new_PublicKey" RENAME TO "PublicKey";
CREATE UNIQUE INDEX "PublicKey_fingerprintSha256_key" ON "PublicKey"("fingerprintSha256");
CREATE UNIQUE INDEX "PublicKey_kid_key" ON "PublicKey"("kid");
CREATE INDEX "PublicKey_userId_createdAt_idx" ON "PublicKey"("userId", "createdAt");
CREATE INDEX "PublicKey_crtauthFingerprint_idx" ON "PublicKey"("crtauthFingerprint");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;
