-- CreateTable
CREATE TABLE "history_log" (
    "bucket" INTEGER NOT NULL,
    "t" BIGINT NOT NULL,
    "device_id" INTEGER NOT NULL,
    "param_id" INTEGER NOT NULL,
    "num" DOUBLE PRECISION,
    "text" TEXT,

    CONSTRAINT "history_log_pkey" PRIMARY KEY ("bucket","t","device_id","param_id")
);
