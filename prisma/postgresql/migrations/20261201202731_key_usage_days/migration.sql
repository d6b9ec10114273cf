-- CreateTable
CREATE TABLE "KeyUsageDay" (
    "keyId" TEXT NOT NULL,
    "day" TEXT NOT NULL,
    "successes" INTEGER NOT NULL DEFAULT 0,
    "failures" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "KeyUsageDay_pkey" PRIMARY KEY ("keyId","day")
);

-- CreateIndex
CREATE INDEX "KeyUsageDay_day_idx" ON "KeyUsageDay"("day");

-- AddForeignKey
ALTER TABLE "KeyUsageDay" ADD CONSTRAINT "KeyUsageDay_keyId_fkey" FOREIGN KEY ("keyId") REFERENCES "PublicKey"("id") ON DELETE CASCADE ON UPDATE CASCADE;
