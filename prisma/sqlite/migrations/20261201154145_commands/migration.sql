-- CreateTable
CREATE TABLE "command_job" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "name" TEXT NOT NULL,
    "args" TEXT NOT NULL,
    "user_id" INTEGER,
    "via" TEXT NOT NULL,
    "address" TEXT NOT NULL,
    "created_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" DATETIME NOT NULL,
    "ack_timeout_ms" INTEGER NOT NULL,
    "retries" INTEGER NOT NULL,
    "canceled_at" DATETIME
);

-- CreateTable
CREATE TABLE "command_execution" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "job_id" INTEGER NOT NULL,
    "serial" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "sent_at" DATETIME,
    "updated_at" DATETIME NOT NULL,
    "percent" REAL,
    "result" TEXT,
    "error" TEXT,
    "reason" TEXT,
    CONSTRAINT "command_execution_job_id_fkey" FOREIGN KEY ("job_id") REFERENCES "command_job" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "command_event" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "execution_id" INTEGER NOT NULL,
    "state" TEXT NOT NULL,
    "at" DATETIME NOT NULL,
    "detail" TEXT,
    CONSTRAINT "command_event_execution_id_fkey" FOREIGN KEY ("execution_id") REFERENCES "command_execution" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_device" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "serial" TEXT NOT NULL,
    "created_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_seen" DATETIME,
    "online" BOOLEAN NOT NULL DEFAULT false,
    "instance" TEXT,
    "owner_id" INTEGER,
    "claimed" BOOLEAN NOT NULL DEFAULT false,
    "capabilities" TEXT,
    "protocol" INTEGER NOT NULL DEFAULT 1,
    CONSTRAINT "device_owner_id_fkey" FOREIGN KEY ("owner_id") REFERENCES "user" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);
INSERT INTO "new_device" ("capabilities", "claimed", "created_at", "id", "instance", "last_seen", "online", "owner_id", "serial") SELECT "capabilities", "claimed", "created_at", "id", "instance", "last_seen", "online", "owner_id", "serial" FROM "device";
DROP TABLE "device";
ALTER TABLE "new_device" RENAME TO "device";
CREATE UNIQUE INDEX "device_serial_key" ON "device"("serial");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE INDEX "command_execution_serial_state_idx" ON "command_execution"("serial", "state");

-- CreateIndex
CREATE INDEX "command_execution_job_id_state_idx" ON "command_execution"("job_id", "state");

-- CreateIndex
CREATE INDEX "command_execution_state_sent_at_idx" ON "command_execution"("state", "sent_at");

-- CreateIndex
CREATE INDEX "command_event_execution_id_idx" ON "command_event"("execution_id");
