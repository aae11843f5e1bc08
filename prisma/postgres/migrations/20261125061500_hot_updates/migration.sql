-- Hand-written: device and device_value rows are updated by every group commit (lastSeen, latest
-- values) and none of the updated columns is indexed. Free space on each page lets PostgreSQL update
-- them in place (HOT), without a new index entry per update: about twice the write throughput.
ALTER TABLE "device" SET (fillfactor = 50);
ALTER TABLE "device_value" SET (fillfactor = 50);
