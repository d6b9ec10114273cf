-- AlterTable
ALTER TABLE "AuthEvent" ADD COLUMN     "caId" TEXT,
ADD COLUMN     "certKeyId" TEXT,
ADD COLUMN     "certPrincipal" TEXT,
ADD COLUMN     "certSerial" TEXT;
