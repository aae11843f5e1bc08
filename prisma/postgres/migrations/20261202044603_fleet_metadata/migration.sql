-- AlterTable
ALTER TABLE "device" ADD COLUMN     "name" TEXT;

-- AlterTable
ALTER TABLE "parameter" ADD COLUMN     "label" TEXT,
ADD COLUMN     "precision" INTEGER,
ADD COLUMN     "quantity" TEXT,
ADD COLUMN     "scale" DOUBLE PRECISION,
ADD COLUMN     "unit" TEXT;

-- CreateTable
CREATE TABLE "device_label" (
    "device_id" INTEGER NOT NULL,
    "key" TEXT NOT NULL,
    "value" TEXT NOT NULL,

    CONSTRAINT "device_label_pkey" PRIMARY KEY ("device_id","key")
);

-- CreateTable
CREATE TABLE "device_group" (
    "device_id" INTEGER NOT NULL,
    "name" TEXT NOT NULL,

    CONSTRAINT "device_group_pkey" PRIMARY KEY ("device_id","name")
);

-- CreateTable
CREATE TABLE "user_preference" (
    "user_id" INTEGER NOT NULL,
    "key" TEXT NOT NULL,
    "value" TEXT NOT NULL,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "user_preference_pkey" PRIMARY KEY ("user_id","key")
);

-- AddForeignKey
ALTER TABLE "device_label" ADD CONSTRAINT "device_label_device_id_fkey" FOREIGN KEY ("device_id") REFERENCES "device"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "device_group" ADD CONSTRAINT "device_group_device_id_fkey" FOREIGN KEY ("device_id") REFERENCES "device"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "user_preference" ADD CONSTRAINT "user_preference_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "user"("id") ON DELETE CASCADE ON UPDATE CASCADE;
