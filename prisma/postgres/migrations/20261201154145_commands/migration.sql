-- AlterTable
ALTER TABLE "device" ADD COLUMN     "protocol" INTEGER NOT NULL DEFAULT 1;

-- CreateTable
CREATE TABLE "command_job" (
    "id" SERIAL NOT NULL,
    "name" TEXT NOT NULL,
    "args" TEXT NOT NULL,
    "user_id" INTEGER,
    "via" TEXT NOT NULL,
    "address" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMP(3) NOT NULL,
    "ack_timeout_ms" INTEGER NOT NULL,
    "retries" INTEGER NOT NULL,
    "canceled_at" TIMESTAMP(3),

    CONSTRAINT "command_job_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "command_execution" (
    "id" SERIAL NOT NULL,
    "job_id" INTEGER NOT NULL,
    "serial" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "sent_at" TIMESTAMP(3),
    "updated_at" TIMESTAMP(3) NOT NULL,
    "percent" DOUBLE PRECISION,
    "result" TEXT,
    "error" TEXT,
    "reason" TEXT,

    CONSTRAINT "command_execution_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "command_event" (
    "id" SERIAL NOT NULL,
    "execution_id" INTEGER NOT NULL,
    "state" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,
    "detail" TEXT,

    CONSTRAINT "command_event_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "command_execution_serial_state_idx" ON "command_execution"("serial", "state");

-- CreateIndex
CREATE INDEX "command_execution_job_id_state_idx" ON "command_execution"("job_id", "state");

-- CreateIndex
CREATE INDEX "command_execution_state_sent_at_idx" ON "command_execution"("state", "sent_at");

-- CreateIndex
CREATE INDEX "command_event_execution_id_idx" ON "command_event"("execution_id");

-- AddForeignKey
ALTER TABLE "command_execution" ADD CONSTRAINT "command_execution_job_id_fkey" FOREIGN KEY ("job_id") REFERENCES "command_job"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "command_event" ADD CONSTRAINT "command_event_execution_id_fkey" FOREIGN KEY ("execution_id") REFERENCES "command_execution"("id") ON DELETE CASCADE ON UPDATE CASCADE;
