-- AlterTable
ALTER TABLE "user" ADD COLUMN     "disabled_at" TIMESTAMP(3);
