-- CreateTable
CREATE TABLE "JwksEndpoint" (
    "id" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "url" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastUsedAt" TIMESTAMP(3),
    "lastFetchedAt" TIMESTAMP(3),
    "lastFetchError" TEXT,

    CONSTRAINT "JwksEndpoint_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "JwksEndpoint_url_idx" ON "JwksEndpoint"("url");

-- CreateIndex
CREATE UNIQUE INDEX "JwksEndpoint_userId_url_key" ON "JwksEndpoint"("userId", "url");

-- AddForeignKey
ALTER TABLE "JwksEndpoint" ADD CONSTRAINT "JwksEndpoint_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;
