-- Hand-tuned: WITHOUT ROWID, clustered on the primary key they are read by.
-- CreateTable
CREATE TABLE "rollup_minute" (
    "device_id" INTEGER NOT NULL,
    "param_id" INTEGER NOT NULL,
    "bucket" BIGINT NOT NULL,
    "min" REAL NOT NULL,
    "max" REAL NOT NULL,
    "sum" REAL NOT NULL,
    "count" INTEGER NOT NULL,
    "last" REAL NOT NULL,
    "last_t" BIGINT NOT NULL,

    PRIMARY KEY ("device_id", "param_id", "bucket")
) WITHOUT ROWID;

-- CreateTable
CREATE TABLE "rollup_hour" (
    "device_id" INTEGER NOT NULL,
    "param_id" INTEGER NOT NULL,
    "bucket" BIGINT NOT NULL,
    "min" REAL NOT NULL,
    "max" REAL NOT NULL,
    "sum" REAL NOT NULL,
    "count" INTEGER NOT NULL,
    "last" REAL NOT NULL,
    "last_t" BIGINT NOT NULL,

    PRIMARY KEY ("device_id", "param_id", "bucket")
) WITHOUT ROWID;
