-- DropForeignKey
ALTER TABLE "deployment" DROP CONSTRAINT "deployment_release_id_fkey";

-- AlterTable
ALTER TABLE "deployment" ALTER COLUMN "release_id" DROP NOT NULL;

-- AddForeignKey
ALTER TABLE "deployment" ADD CONSTRAINT "deployment_release_id_fkey" FOREIGN KEY ("release_id") REFERENCES "release"("id") ON DELETE SET NULL ON UPDATE CASCADE;
