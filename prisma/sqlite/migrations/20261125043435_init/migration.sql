-- Hand-tuned: device_value and history are WITHOUT ROWID, clustered on their primary key
-- (the only way they are read), which Prisma's schema language cannot say.
-- CreateTable
CREATE TABLE "device" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "serial" TEXT NOT NULL,
    "created_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_seen" DATETIME,
    "online" BOOLEAN NOT NULL DEFAULT false,
    "instance" TEXT,
    "owner_id" INTEGER
);

-- CreateTable
CREATE TABLE "parameter" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "name" TEXT NOT NULL,
    "kind" TEXT,
    "first_seen" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "device_value" (
    "device_id" INTEGER NOT NULL,
    "param_id" INTEGER NOT NULL,
    "value" TEXT NOT NULL,

    PRIMARY KEY ("device_id", "param_id"),
    CONSTRAINT "device_value_device_id_fkey" FOREIGN KEY ("device_id") REFERENCES "device" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "device_value_param_id_fkey" FOREIGN KEY ("param_id") REFERENCES "parameter" ("id") ON DELETE CASCADE ON UPDATE CASCADE
) WITHOUT ROWID;

-- CreateTable
CREATE TABLE "history" (
    "device_id" INTEGER NOT NULL,
    "param_id" INTEGER NOT NULL,
    "t" BIGINT NOT NULL,
    "num" REAL,
    "text" TEXT,

    PRIMARY KEY ("device_id", "param_id", "t"),
    CONSTRAINT "history_device_id_fkey" FOREIGN KEY ("device_id") REFERENCES "device" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "history_param_id_fkey" FOREIGN KEY ("param_id") REFERENCES "parameter" ("id") ON DELETE CASCADE ON UPDATE CASCADE
) WITHOUT ROWID;

-- CreateIndex
CREATE UNIQUE INDEX "device_serial_key" ON "device"("serial");

-- CreateIndex
CREATE UNIQUE INDEX "parameter_name_key" ON "parameter"("name");
