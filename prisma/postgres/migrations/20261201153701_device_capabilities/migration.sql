-- AlterTable
ALTER TABLE "device" ADD COLUMN     "capabilities" TEXT;
