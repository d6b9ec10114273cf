-- AlterTable
ALTER TABLE "AuthEvent" ADD COLUMN     "jwksKid" TEXT,
ADD COLUMN     "jwksUrl" TEXT;
