-- CreateTable
CREATE TABLE "rollup_minute" (
    "device_id" INTEGER NOT NULL,
    "param_id" INTEGER NOT NULL,
    "bucket" BIGINT NOT NULL,
    "min" DOUBLE PRECISION NOT NULL,
    "max" DOUBLE PRECISION NOT NULL,
    "sum" DOUBLE PRECISION NOT NULL,
    "count" INTEGER NOT NULL,
    "last" DOUBLE PRECISION NOT NULL,
    "last_t" BIGINT NOT NULL,

    CONSTRAINT "rollup_minute_pkey" PRIMARY KEY ("device_id","param_id","bucket")
);

-- CreateTable
CREATE TABLE "rollup_hour" (
    "device_id" INTEGER NOT NULL,
    "param_id" INTEGER NOT NULL,
    "bucket" BIGINT NOT NULL,
    "min" DOUBLE PRECISION NOT NULL,
    "max" DOUBLE PRECISION NOT NULL,
    "sum" DOUBLE PRECISION NOT NULL,
    "count" INTEGER NOT NULL,
    "last" DOUBLE PRECISION NOT NULL,
    "last_t" BIGINT NOT NULL,

    CONSTRAINT "rollup_hour_pkey" PRIMARY KEY ("device_id","param_id","bucket")
);
