-- AlterTable
ALTER TABLE "release" ADD COLUMN     "target" TEXT NOT NULL DEFAULT '[]';

-- CreateTable
CREATE TABLE "deployment" (
    "id" SERIAL NOT NULL,
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
    "created_at" TIMESTAMP(3) NOT NULL,
    "updated_at" TIMESTAMP(3) NOT NULL,
    "finished_at" TIMESTAMP(3),
    "lease_owner" TEXT,
    "lease_until" TIMESTAMP(3),

    CONSTRAINT "deployment_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "deployment_device" (
    "id" SERIAL NOT NULL,
    "deployment_id" INTEGER NOT NULL,
    "serial" TEXT NOT NULL,
    "phase" INTEGER NOT NULL,
    "state" TEXT NOT NULL,
    "reason" TEXT,
    "percent" DOUBLE PRECISION,
    "from_version" TEXT,
    "execution_id" INTEGER,
    "started_at" TIMESTAMP(3),
    "health_since" TIMESTAMP(3),
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "deployment_device_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "deployment_event" (
    "id" SERIAL NOT NULL,
    "device_id" INTEGER NOT NULL,
    "state" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,
    "detail" TEXT,

    CONSTRAINT "deployment_event_pkey" PRIMARY KEY ("id")
);

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

-- AddForeignKey
ALTER TABLE "deployment" ADD CONSTRAINT "deployment_release_id_fkey" FOREIGN KEY ("release_id") REFERENCES "release"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "deployment" ADD CONSTRAINT "deployment_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "user"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "deployment_device" ADD CONSTRAINT "deployment_device_deployment_id_fkey" FOREIGN KEY ("deployment_id") REFERENCES "deployment"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "deployment_event" ADD CONSTRAINT "deployment_event_device_id_fkey" FOREIGN KEY ("device_id") REFERENCES "deployment_device"("id") ON DELETE CASCADE ON UPDATE CASCADE;
