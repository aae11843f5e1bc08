-- CreateTable
CREATE TABLE "desired_value" (
    "serial" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "value" TEXT NOT NULL,
    "user_id" INTEGER,
    "set_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "desired_value_pkey" PRIMARY KEY ("serial","name")
);
