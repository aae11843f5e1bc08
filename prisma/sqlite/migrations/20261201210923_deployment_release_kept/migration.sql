-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_deployment" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "release_id" INTEGER,
    "user_id" INTEGER,
    "via" TEXT NOT NULL,
    "address" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "reason" TEXT,
    "phases" TEXT NOT NULL,
    "phase" INTEGER NOT NULL DEFAULT 0,
    "rate_per_minute" INTEGER NOT NULL,
    "abort_failed_percent" INTEGER NOT NULL,
    "abort_min_count" INTEGER NOT NULL,
    "health_seconds" INTEGER NOT NULL,
    "timeout_seconds" INTEGER NOT NULL,
    "job_id" INTEGER,
    "created_at" DATETIME NOT NULL,
    "updated_at" DATETIME NOT NULL,
    "finished_at" DATETIME,
    "lease_owner" TEXT,
    "lease_until" DATETIME,
    CONSTRAINT "deployment_release_id_fkey" FOREIGN KEY ("release_id") REFERENCES "release" ("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "deployment_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "user" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);
INSERT INTO "new_deployment" ("abort_failed_percent", "abort_min_count", "address", "created_at", "finished_at", "health_seconds", "id", "job_id", "lease_owner", "lease_until", "phase", "phases", "rate_per_minute", "reason", "release_id", "state", "timeout_seconds", "updated_at", "user_id", "via") SELECT "abort_failed_percent", "abort_min_count", "address", "created_at", "finished_at", "health_seconds", "id", "job_id", "lease_owner", "lease_until", "phase", "phases", "rate_per_minute", "reason", "release_id", "state", "timeout_seconds", "updated_at", "user_id", "via" FROM "deployment";
DROP TABLE "deployment";
ALTER TABLE "new_deployment" RENAME TO "deployment";
CREATE INDEX "deployment_state_idx" ON "deployment"("state");
CREATE INDEX "deployment_user_id_idx" ON "deployment"("user_id");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;
