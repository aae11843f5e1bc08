-- CreateTable
CREATE TABLE "alert_rule" (
    "id" SERIAL NOT NULL,
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
    "created_at" TIMESTAMP(3) NOT NULL,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "alert_rule_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "alert_state" (
    "rule_id" INTEGER NOT NULL,
    "serial" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "since" TIMESTAMP(3) NOT NULL,
    "due_at" TIMESTAMP(3),
    "value" TEXT,
    "fired_at" TIMESTAMP(3),
    "ack_user_id" INTEGER,
    "ack_at" TIMESTAMP(3),
    "ack_comment" TEXT,
    "flips" TEXT NOT NULL DEFAULT '[]',
    "suppressed" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "alert_state_pkey" PRIMARY KEY ("rule_id","serial")
);

-- CreateTable
CREATE TABLE "alert_event" (
    "id" SERIAL NOT NULL,
    "rule_id" INTEGER NOT NULL,
    "serial" TEXT NOT NULL,
    "from" TEXT NOT NULL,
    "to" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,
    "value" TEXT,
    "user_id" INTEGER,
    "comment" TEXT,

    CONSTRAINT "alert_event_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "notification_channel" (
    "id" SERIAL NOT NULL,
    "owner_id" INTEGER,
    "name" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "target" TEXT NOT NULL,
    "secret" TEXT,
    "created_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "notification_channel_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "notification" (
    "id" SERIAL NOT NULL,
    "channel_id" INTEGER NOT NULL,
    "rule_id" INTEGER NOT NULL,
    "serial" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "next_at" TIMESTAMP(3) NOT NULL,
    "last_error" TEXT,
    "created_at" TIMESTAMP(3) NOT NULL,
    "sent_at" TIMESTAMP(3),

    CONSTRAINT "notification_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "lease" (
    "name" TEXT NOT NULL,
    "owner" TEXT NOT NULL,
    "until" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "lease_pkey" PRIMARY KEY ("name")
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

-- AddForeignKey
ALTER TABLE "alert_rule" ADD CONSTRAINT "alert_rule_owner_id_fkey" FOREIGN KEY ("owner_id") REFERENCES "user"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "notification_channel" ADD CONSTRAINT "notification_channel_owner_id_fkey" FOREIGN KEY ("owner_id") REFERENCES "user"("id") ON DELETE CASCADE ON UPDATE CASCADE;
