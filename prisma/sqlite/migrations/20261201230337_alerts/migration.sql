-- CreateTable
CREATE TABLE "alert_rule" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "owner_id" INTEGER,
    "scope_all" BOOLEAN NOT NULL,
    "name" TEXT NOT NULL,
    "where" TEXT NOT NULL,
    "parameter" TEXT NOT NULL,
    "op" TEXT,
    "threshold" TEXT,
    "clear_threshold" TEXT,
    "for_seconds" INTEGER NOT NULL,
    "no_data_seconds" INTEGER,
    "severity" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL,
    "reminder_seconds" INTEGER,
    "flap_count" INTEGER NOT NULL,
    "flap_seconds" INTEGER NOT NULL,
    "notify" TEXT NOT NULL,
    "created_at" DATETIME NOT NULL,
    "updated_at" DATETIME NOT NULL,
    CONSTRAINT "alert_rule_owner_id_fkey" FOREIGN KEY ("owner_id") REFERENCES "user" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "alert_state" (
    "rule_id" INTEGER NOT NULL,
    "serial" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "since" DATETIME NOT NULL,
    "due_at" DATETIME,
    "value" TEXT,
    "fired_at" DATETIME,
    "ack_user_id" INTEGER,
    "ack_at" DATETIME,
    "ack_comment" TEXT,
    "flips" TEXT NOT NULL DEFAULT '[]',
    "suppressed" INTEGER NOT NULL DEFAULT 0,

    PRIMARY KEY ("rule_id", "serial")
);

-- CreateTable
CREATE TABLE "alert_event" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "rule_id" INTEGER NOT NULL,
    "serial" TEXT NOT NULL,
    "from" TEXT NOT NULL,
    "to" TEXT NOT NULL,
    "at" DATETIME NOT NULL,
    "value" TEXT,
    "user_id" INTEGER,
    "comment" TEXT
);

-- CreateTable
CREATE TABLE "notification_channel" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "owner_id" INTEGER,
    "name" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "target" TEXT NOT NULL,
    "secret" TEXT,
    "created_at" DATETIME NOT NULL,
    CONSTRAINT "notification_channel_owner_id_fkey" FOREIGN KEY ("owner_id") REFERENCES "user" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "notification" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "channel_id" INTEGER NOT NULL,
    "rule_id" INTEGER NOT NULL,
    "serial" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "next_at" DATETIME NOT NULL,
    "last_error" TEXT,
    "created_at" DATETIME NOT NULL,
    "sent_at" DATETIME
);

-- CreateTable
CREATE TABLE "lease" (
    "name" TEXT NOT NULL PRIMARY KEY,
    "owner" TEXT NOT NULL,
    "until" DATETIME NOT NULL
);

-- CreateIndex
CREATE INDEX "alert_rule_owner_id_idx" ON "alert_rule"("owner_id");

-- CreateIndex
CREATE INDEX "alert_state_state_idx" ON "alert_state"("state");

-- CreateIndex
CREATE INDEX "alert_event_serial_at_idx" ON "alert_event"("serial", "at");

-- CreateIndex
CREATE INDEX "alert_event_rule_id_at_idx" ON "alert_event"("rule_id", "at");

-- CreateIndex
CREATE INDEX "notification_channel_owner_id_idx" ON "notification_channel"("owner_id");

-- CreateIndex
CREATE INDEX "notification_state_next_at_idx" ON "notification"("state", "next_at");

-- CreateIndex
CREATE INDEX "notification_channel_id_state_idx" ON "notification"("channel_id", "state");
