-- CreateTable
CREATE TABLE "desired_value" (
    "serial" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "value" TEXT NOT NULL,
    "user_id" INTEGER,
    "set_at" DATETIME NOT NULL,

    PRIMARY KEY ("serial", "name")
);
