-- CreateTable
CREATE TABLE "release" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "name" TEXT NOT NULL,
    "version" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "notes" TEXT NOT NULL DEFAULT '',
    "sha256" TEXT NOT NULL,
    "signature" TEXT NOT NULL,
    "size" INTEGER NOT NULL,
    "artifact" BLOB NOT NULL,
    "publisher_id" INTEGER,
    "created_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "release_publisher_id_fkey" FOREIGN KEY ("publisher_id") REFERENCES "user" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "release_publisher_id_idx" ON "release"("publisher_id");

-- CreateIndex
CREATE UNIQUE INDEX "release_name_version_key" ON "release"("name", "version");
