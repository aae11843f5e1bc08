import type { Scalar } from '../../protocol/values.ts';
import type { DeviceMeta } from '../state/device-meta.ts';
import type { DeviceChange, DeviceState } from '../state/fleet.ts';
import { emptyParams } from '../state/fleet.ts';

/** One device in a deviceUpdates batch. */
export interface DeviceUpdate {
  serial: string;
  /** The values that changed; all of the device's values when `entered`. */
  values: Record<string, Scalar>;
  online: boolean;
  lastSeen: number | null;
  /** The device did not match the subscription's filter before (or is new to the fleet). */
  entered: boolean;
  /** Its name, labels and groups, when they changed (or it entered). */
  meta?: DeviceMeta;
}

export interface UpdateBatch {
  updates: DeviceUpdate[];
  /** Devices that stopped matching the filter. */
  left: string[];
}

/** A batch being collected: the latest per device, merged, until it is taken. */
export class PendingBatch {
  private readonly updates = new Map<string, DeviceUpdate>();
  private readonly left = new Set<string>();

  get empty(): boolean {
    return this.updates.size === 0 && this.left.size === 0;
  }

  change(device: DeviceState, change: DeviceChange, entered: boolean): void {
    const serial = device.serial;
    const wasLeft = this.left.delete(serial);
    let update = this.updates.get(serial);
    if (!update) {
      update = { serial, values: emptyParams(), online: device.online, lastSeen: device.lastSeen, entered: false };
      this.updates.set(serial, update);
    }
    if (entered || wasLeft) {
      update.entered = true;
      Object.assign(update.values, device.params);
      if (device.meta) update.meta = device.meta;
    } else if (change.values) {
      Object.assign(update.values, change.values);
    }
    if (change.meta) update.meta = change.meta;
    update.online = device.online;
    update.lastSeen = device.lastSeen;
  }

  leave(serial: string): void {
    this.updates.delete(serial);
    this.left.add(serial);
  }

  /** Folds an already taken batch into this one (for a subscriber that has not read it yet). */
  merge(batch: UpdateBatch): void {
    for (const serial of batch.left) this.leave(serial);
    for (const u of batch.updates) {
      const wasLeft = this.left.delete(u.serial);
      const mine = this.updates.get(u.serial);
      if (!mine) {
        this.updates.set(u.serial, { ...u, values: Object.assign(emptyParams(), u.values), entered: u.entered || wasLeft });
        continue;
      }
      Object.assign(mine.values, u.values);
      if (u.meta) mine.meta = u.meta;
      mine.online = u.online;
      mine.lastSeen = u.lastSeen;
      mine.entered ||= u.entered;
    }
  }

  take(): UpdateBatch {
    const batch = { updates: [...this.updates.values()], left: [...this.left] };
    this.updates.clear();
    this.left.clear();
    return batch;
  }
}
