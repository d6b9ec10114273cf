-- AlterTable
ALTER TABLE "User" ADD COLUMN     "requireUserVerification" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "PublicKey" ADD COLUMN     "signCounter" BIGINT,
ADD COLUMN     "touchRequired" BOOLEAN NOT NULL DEFAULT true,
ADD COLUMN     "verifyRequired" BOOLEAN NOT NULL DEFAULT false;
