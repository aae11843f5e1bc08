-- AlterTable
ALTER TABLE "device" ADD COLUMN "name" TEXT;

-- AlterTable
ALTER TABLE "parameter" ADD COLUMN "label" TEXT;
ALTER TABLE "parameter" ADD COLUMN "precision" INTEGER;
ALTER TABLE "parameter" ADD COLUMN "quantity" TEXT;
ALTER TABLE "parameter" ADD COLUMN "scale" REAL;
ALTER TABLE "parameter" ADD COLUMN "unit" TEXT;

-- CreateTable
CREATE TABLE "device_label" (
    "device_id" INTEGER NOT NULL,
    "key" TEXT NOT NULL,
    "value" TEXT NOT NULL,

    PRIMARY KEY ("device_id", "key"),
    CONSTRAINT "device_label_device_id_fkey" FOREIGN KEY ("device_id") REFERENCES "device" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "device_group" (
    "device_id" INTEGER NOT NULL,
    "name" TEXT NOT NULL,

    PRIMARY KEY ("device_id", "name"),
    CONSTRAINT "device_group_device_id_fkey" FOREIGN KEY ("device_id") REFERENCES "device" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "user_preference" (
    "user_id" INTEGER NOT NULL,
    "key" TEXT NOT NULL,
    "value" TEXT NOT NULL,
    "updated_at" DATETIME NOT NULL,

    PRIMARY KEY ("user_id", "key"),
    CONSTRAINT "user_preference_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "user" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
