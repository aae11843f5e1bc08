import type { Changes } from '../live/changes.ts';
import { type DeviceMeta, editMeta, emptyMeta, type MetaEdit, sameMeta } from '../state/device-meta.ts';
import type { DeviceChange, DeviceState, Fleet } from '../state/fleet.ts';
import type { Db } from '../storage/database.ts';
import { loadDeviceMeta } from '../storage/load-fleet.ts';

/** Devices written per statement in a bulk edit (bounded parameters on either database). */
const CHUNK = 1000;

/**
 * Names, labels and groups of devices: stored through Prisma (they change when people edit them, not per
 * frame), then committed as changes, so every instance, the table and the filters see them. What is
 * committed is read back from the database after the write: two edits racing end as the database has them.
 */
export class DeviceMetadata {
  constructor(
    private readonly db: Db,
    private readonly fleet: Fleet,
    private readonly changes: Changes,
  ) {}

  /** Sets one device's name, labels and groups (each as given; undefined: unchanged). The caller checked access. */
  async set(device: DeviceState, next: Partial<DeviceMeta>): Promise<DeviceState> {
    const found = await this.db.device.findUnique({ where: { serial: device.serial }, select: { id: true } });
    if (!found) return device;
    const id = found.id;
    await this.db.$transaction([
      ...(next.name !== undefined ? [this.db.device.update({ where: { id }, data: { name: next.name } })] : []),
      ...(next.labels !== undefined
        ? [
            this.db.deviceLabel.deleteMany({ where: { deviceId: id } }),
            this.db.deviceLabel.createMany({
              data: Object.entries(next.labels).map(([key, value]) => ({ deviceId: id, key, value })),
            }),
          ]
        : []),
      ...(next.groups !== undefined
        ? [
            this.db.deviceGroup.deleteMany({ where: { deviceId: id } }),
            this.db.deviceGroup.createMany({ data: next.groups.map((name) => ({ deviceId: id, name })) }),
          ]
        : []),
    ]);
    await this.commitStored([{ id, serial: device.serial }]);
    return this.fleet.get(device.serial) ?? device;
  }

  /**
   * Applies one edit to many devices (a filtered set); all or nothing when a device would exceed a bound.
   * Answers how many devices changed.
   */
  async edit(devices: readonly DeviceState[], edit: MetaEdit): Promise<number> {
    const touched = devices.filter((d) => !sameMeta(d.meta ?? emptyMeta(), editMeta(d.meta ?? emptyMeta(), edit)));
    const labelKeys = [...new Set([...edit.removeLabels, ...Object.keys(edit.setLabels)])];
    const groupNames = [...new Set([...edit.removeGroups, ...edit.addGroups])];
    let changed = 0;
    for (let i = 0; i < touched.length; i += CHUNK) {
      const serials = touched.slice(i, i + CHUNK).map((d) => d.serial);
      const stored = await this.db.device.findMany({ where: { serial: { in: serials } }, select: { id: true, serial: true } });
      const ids = stored.map((d) => d.id);
      const setLabels = Object.entries(edit.setLabels);
      await this.db.$transaction([
        this.db.deviceLabel.deleteMany({ where: { deviceId: { in: ids }, key: { in: labelKeys } } }),
        this.db.deviceLabel.createMany({
          data: ids.flatMap((deviceId) => setLabels.map(([key, value]) => ({ deviceId, key, value }))),
        }),
        this.db.deviceGroup.deleteMany({ where: { deviceId: { in: ids }, name: { in: groupNames } } }),
        this.db.deviceGroup.createMany({ data: ids.flatMap((deviceId) => edit.addGroups.map((name) => ({ deviceId, name }))) }),
      ]);
      changed += await this.commitStored(stored);
    }
    return changed;
  }

  /** Reads the metadata of these devices as stored and commits what differs from the live state. */
  private async commitStored(devices: ReadonlyArray<{ id: number; serial: string }>): Promise<number> {
    const metas = await loadDeviceMeta(
      this.db,
      devices.map((d) => d.id),
    );
    const changes: DeviceChange[] = [];
    for (const d of devices) {
      const live = this.fleet.get(d.serial);
      const meta = metas.get(d.id) ?? emptyMeta();
      if (!live || sameMeta(live.meta ?? emptyMeta(), meta)) continue;
      changes.push({ serial: d.serial, at: Date.now(), values: null, online: live.online, instance: live.instance, meta });
    }
    this.changes.commit(changes);
    return changes.length;
  }
}
