-- CreateTable
CREATE TABLE "release" (
    "id" SERIAL NOT NULL,
    "name" TEXT NOT NULL,
    "version" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "notes" TEXT NOT NULL DEFAULT '',
    "sha256" TEXT NOT NULL,
    "signature" TEXT NOT NULL,
    "size" INTEGER NOT NULL,
    "artifact" BYTEA NOT NULL,
    "publisher_id" INTEGER,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "release_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "release_publisher_id_idx" ON "release"("publisher_id");

-- CreateIndex
CREATE UNIQUE INDEX "release_name_version_key" ON "release"("name", "version");

-- AddForeignKey
ALTER TABLE "release" ADD CONSTRAINT "release_publisher_id_fkey" FOREIGN KEY ("publisher_id") REFERENCES "user"("id") ON DELETE SET NULL ON UPDATE CASCADE;
