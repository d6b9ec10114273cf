-- AlterTable
ALTER TABLE "AuthEvent" ADD COLUMN "jwksKid" TEXT;
ALTER TABLE "AuthEvent" ADD COLUMN "jwksUrl" TEXT;
