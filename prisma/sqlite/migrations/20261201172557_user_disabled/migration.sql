-- AlterTable
ALTER TABLE "user" ADD COLUMN "disabled_at" DATETIME;
