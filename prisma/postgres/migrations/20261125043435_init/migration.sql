-- CreateTable
CREATE TABLE "device" (
    "id" SERIAL NOT NULL,
    "serial" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_seen" TIMESTAMP(3),
    "online" BOOLEAN NOT NULL DEFAULT false,
    "instance" TEXT,
    "owner_id" INTEGER,

    CONSTRAINT "device_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "parameter" (
    "id" SERIAL NOT NULL,
    "name" TEXT NOT NULL,
    "kind" TEXT,
    "first_seen" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "parameter_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "device_value" (
    "device_id" INTEGER NOT NULL,
    "param_id" INTEGER NOT NULL,
    "value" TEXT NOT NULL,

    CONSTRAINT "device_value_pkey" PRIMARY KEY ("device_id","param_id")
);

-- CreateTable
CREATE TABLE "history" (
    "device_id" INTEGER NOT NULL,
    "param_id" INTEGER NOT NULL,
    "t" BIGINT NOT NULL,
    "num" DOUBLE PRECISION,
    "text" TEXT,

    CONSTRAINT "history_pkey" PRIMARY KEY ("device_id","param_id","t")
);

-- CreateIndex
CREATE UNIQUE INDEX "device_serial_key" ON "device"("serial");

-- CreateIndex
CREATE UNIQUE INDEX "parameter_name_key" ON "parameter"("name");

-- AddForeignKey
ALTER TABLE "device_value" ADD CONSTRAINT "device_value_device_id_fkey" FOREIGN KEY ("device_id") REFERENCES "device"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "device_value" ADD CONSTRAINT "device_value_param_id_fkey" FOREIGN KEY ("param_id") REFERENCES "parameter"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "history" ADD CONSTRAINT "history_device_id_fkey" FOREIGN KEY ("device_id") REFERENCES "device"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "history" ADD CONSTRAINT "history_param_id_fkey" FOREIGN KEY ("param_id") REFERENCES "parameter"("id") ON DELETE CASCADE ON UPDATE CASCADE;
