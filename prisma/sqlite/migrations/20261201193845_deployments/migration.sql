-- CreateTable
CREATE TABLE "deployment" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "release_id" INTEGER NOT NULL,
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
    CONSTRAINT "deployment_release_id_fkey" FOREIGN KEY ("release_id") REFERENCES "release" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "deployment_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "user" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "deployment_device" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "deployment_id" INTEGER NOT NULL,
    "serial" TEXT NOT NULL,
    "phase" INTEGER NOT NULL,
    "state" TEXT NOT NULL,
    "reason" TEXT,
    "percent" REAL,
    "from_version" TEXT,
    "execution_id" INTEGER,
    "started_at" DATETIME,
    "health_since" DATETIME,
    "updated_at" DATETIME NOT NULL,
    CONSTRAINT "deployment_device_deployment_id_fkey" FOREIGN KEY ("deployment_id") REFERENCES "deployment" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "deployment_event" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "device_id" INTEGER NOT NULL,
    "state" TEXT NOT NULL,
    "at" DATETIME NOT NULL,
    "detail" TEXT,
    CONSTRAINT "deployment_event_device_id_fkey" FOREIGN KEY ("device_id") REFERENCES "deployment_device" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_release" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "name" TEXT NOT NULL,
    "version" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "notes" TEXT NOT NULL DEFAULT '',
    "sha256" TEXT NOT NULL,
    "signature" TEXT NOT NULL,
    "target" TEXT NOT NULL DEFAULT '[]',
    "size" INTEGER NOT NULL,
    "artifact" BLOB NOT NULL,
    "publisher_id" INTEGER,
    "created_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "release_publisher_id_fkey" FOREIGN KEY ("publisher_id") REFERENCES "user" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);
INSERT INTO "new_release" ("artifact", "created_at", "id", "kind", "name", "notes", "publisher_id", "sha256", "signature", "size", "version") SELECT "artifact", "created_at", "id", "kind", "name", "notes", "publisher_id", "sha256", "signature", "size", "version" FROM "release";
DROP TABLE "release";
ALTER TABLE "new_release" RENAME TO "release";
CREATE INDEX "release_publisher_id_idx" ON "release"("publisher_id");
CREATE UNIQUE INDEX "release_name_version_key" ON "release"("name", "version");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE INDEX "deployment_state_idx" ON "deployment"("state");

-- CreateIndex
CREATE INDEX "deployment_user_id_idx" ON "deployment"("user_id");

-- CreateIndex
CREATE INDEX "deployment_device_deployment_id_state_idx" ON "deployment_device"("deployment_id", "state");

-- CreateIndex
CREATE INDEX "deployment_device_serial_idx" ON "deployment_device"("serial");

-- CreateIndex
CREATE UNIQUE INDEX "deployment_device_deployment_id_serial_key" ON "deployment_device"("deployment_id", "serial");

-- CreateIndex
CREATE INDEX "deployment_event_device_id_idx" ON "deployment_event"("device_id");
