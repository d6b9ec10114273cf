-- AlterTable
ALTER TABLE "User" ADD COLUMN "email" TEXT;

-- CreateTable
CREATE TABLE "AuditEntry" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actorType" TEXT NOT NULL,
    "actorId" TEXT,
    "actorName" TEXT NOT NULL,
    "ip" TEXT,
    "userAgent" TEXT,
    "action" TEXT NOT NULL,
    "targetType" TEXT NOT NULL,
    "targetId" TEXT,
    "targetName" TEXT,
    "before" TEXT,
    "after" TEXT
);

-- CreateTable
CREATE TABLE "WebhookEndpoint" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "url" TEXT NOT NULL,
    "secret" TEXT NOT NULL,
    "events" TEXT NOT NULL DEFAULT '*',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "disabled" BOOLEAN NOT NULL DEFAULT false
);

-- CreateTable
CREATE TABLE "WebhookDelivery" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "webhookId" TEXT NOT NULL,
    "event" TEXT NOT NULL,
    "payload" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" DATETIME,
    "lastAttemptAt" DATETIME,
    "responseStatus" INTEGER,
    "lastError" TEXT,
    CONSTRAINT "WebhookDelivery_webhookId_fkey" FOREIGN KEY ("webhookId") REFERENCES "WebhookEndpoint" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "NotificationMark" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "RateWindow" (
    "scope" TEXT NOT NULL,
    "windowStart" DATETIME NOT NULL,
    "count" INTEGER NOT NULL DEFAULT 0,
    "expiresAt" DATETIME NOT NULL,

    PRIMARY KEY ("scope", "windowStart")
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
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
    "failedAttempts" INTEGER NOT NULL DEFAULT 0,
    "lockedUntil" DATETIME,
    "rateLimitCount" INTEGER,
    "rateLimitWindowSeconds" INTEGER,
    "scopes" TEXT,
    CONSTRAINT "PublicKey_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "PublicKey_sourceId_fkey" FOREIGN KEY ("sourceId") REFERENCES "KeySource" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);
INSERT INTO "new_PublicKey" ("bits", "comment", "createdAt", "crtauthFingerprint", "expiresAt", "fingerprintMd5", "fingerprintSha256", "id", "kid", "lastUsedAt", "lastUsedIp", "lastUsedScheme", "openssh", "origin", "originRef", "revokedAt", "revokedReason", "signCounter", "sourceId", "sshOptions", "touchRequired", "type", "unverified", "useCount", "userId", "verifiedAt", "verifyRequired") SELECT "bits", "comment", "createdAt", "crtauthFingerprint", "expiresAt", "fingerprintMd5", "fingerprintSha256", "id", "kid", "lastUsedAt", "lastUsedIp", "lastUsedScheme", "openssh", "origin", "originRef", "revokedAt", "revokedReason", "signCounter", "sourceId", "sshOptions", "touchRequired", "type", "unverified", "useCount", "userId", "verifiedAt", "verifyRequired" FROM "PublicKey";
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
CREATE INDEX "AuditEntry_at_idx" ON "AuditEntry"("at");

-- CreateIndex
CREATE INDEX "AuditEntry_action_at_idx" ON "AuditEntry"("action", "at");

-- CreateIndex
CREATE INDEX "AuditEntry_targetType_targetId_at_idx" ON "AuditEntry"("targetType", "targetId", "at");

-- CreateIndex
CREATE INDEX "AuditEntry_actorName_at_idx" ON "AuditEntry"("actorName", "at");

-- CreateIndex
CREATE UNIQUE INDEX "WebhookEndpoint_url_key" ON "WebhookEndpoint"("url");

-- CreateIndex
CREATE INDEX "WebhookDelivery_status_nextAttemptAt_idx" ON "WebhookDelivery"("status", "nextAttemptAt");

-- CreateIndex
CREATE INDEX "WebhookDelivery_webhookId_createdAt_idx" ON "WebhookDelivery"("webhookId", "createdAt");

-- CreateIndex
CREATE INDEX "NotificationMark_at_idx" ON "NotificationMark"("at");

-- CreateIndex
CREATE INDEX "RateWindow_expiresAt_idx" ON "RateWindow"("expiresAt");

-- The audit log is append-only: the database itself refuses to change or remove an entry.
CREATE TRIGGER "AuditEntry_no_update" BEFORE UPDATE ON "AuditEntry" BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER "AuditEntry_no_delete" BEFORE DELETE ON "AuditEntry" BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
