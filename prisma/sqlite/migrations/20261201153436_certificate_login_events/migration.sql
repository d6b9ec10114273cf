-- AlterTable
ALTER TABLE "AuthEvent" ADD COLUMN "caId" TEXT;
ALTER TABLE "AuthEvent" ADD COLUMN "certKeyId" TEXT;
ALTER TABLE "AuthEvent" ADD COLUMN "certPrincipal" TEXT;
ALTER TABLE "AuthEvent" ADD COLUMN "certSerial" TEXT;
