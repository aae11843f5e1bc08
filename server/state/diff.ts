import { emptyMeta, sameMeta } from './device-meta.ts';
import { type DeviceChange, emptyParams, type Fleet } from './fleet.ts';

/**
 * The changes that turn `current` into `fresh` (state re-read from the database after pub/sub
 * messages may have been lost). Removed devices and parameters are left alone: nothing removes them.
 */
export function diffFleets(current: Fleet, fresh: Fleet): DeviceChange[] {
  const changes: DeviceChange[] = [];
  for (const d of fresh.devices.values()) {
    const mine = current.get(d.serial);
    const values = emptyParams();
    let changed = 0;
    for (const name in d.params) {
      if (!mine || !(name in mine.params) || mine.params[name] !== d.params[name]) {
        values[name] = d.params[name] ?? null;
        changed++;
      }
    }
    if (mine && mine.ownerId !== d.ownerId) {
      changes.push({
        serial: d.serial,
        at: Date.now(),
        values: null,
        online: mine.online,
        instance: mine.instance,
        owner: d.ownerId,
      });
    }
    if (mine && !sameMeta(mine.meta ?? emptyMeta(), d.meta ?? emptyMeta())) {
      changes.push({
        serial: d.serial,
        at: Date.now(),
        values: null,
        online: mine.online,
        instance: mine.instance,
        meta: d.meta ?? emptyMeta(),
      });
    }
    if (!mine || changed > 0) {
      changes.push({
        serial: d.serial,
        at: d.lastSeen ?? d.createdAt,
        values,
        online: d.online,
        instance: d.instance,
        ...(mine ? {} : { createdAt: d.createdAt, owner: d.ownerId, ...(d.meta ? { meta: d.meta } : {}) }),
      });
    } else if (mine.online !== d.online) {
      changes.push({
        serial: d.serial,
        at: Date.now(),
        values: null,
        online: d.online,
        instance: d.online ? d.instance : mine.instance,
      });
    }
  }
  for (const serial of fresh.rejected) {
    const mine = current.get(serial);
    if (!current.rejected.has(serial))
      changes.push({ serial, at: Date.now(), values: null, online: false, instance: mine?.instance ?? null, removed: true });
  }
  for (const serial of fresh.locked) {
    const mine = current.get(serial);
    if (!current.locked.has(serial) && mine)
      changes.push({ serial, at: Date.now(), values: null, online: mine.online, instance: mine.instance, locked: true });
  }
  for (const serial of fresh.claimed) {
    const mine = current.get(serial);
    if (!current.claimed.has(serial) && mine)
      changes.push({ serial, at: Date.now(), values: null, online: mine.online, instance: mine.instance, claimed: true });
  }
  return changes;
}
