-- AlterTable
ALTER TABLE "command_job" ADD COLUMN     "rate_per_second" INTEGER;
