-- Hand-tuned: WITHOUT ROWID, clustered on (bucket, t, ...) so appends stay at the tail of each bucket.
-- CreateTable
CREATE TABLE "history_log" (
    "bucket" INTEGER NOT NULL,
    "t" BIGINT NOT NULL,
    "device_id" INTEGER NOT NULL,
    "param_id" INTEGER NOT NULL,
    "num" REAL,
    "text" TEXT,

    PRIMARY KEY ("bucket", "t", "device_id", "param_id")
) WITHOUT ROWID;
