-- CreateTable
CREATE TABLE "JwksEndpoint" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "userId" TEXT NOT NULL,
    "url" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastUsedAt" DATETIME,
    "lastFetchedAt" DATETIME,
    "lastFetchError" TEXT,
    CONSTRAINT "JwksEndpoint_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "JwksEndpoint_url_idx" ON "JwksEndpoint"("url");

-- CreateIndex
CREATE UNIQUE INDEX "JwksEndpoint_userId_url_key" ON "JwksEndpoint"("userId", "url");
