import type { Capabilities } from '../../protocol/v2.ts';
import type { Scalar } from '../../protocol/values.ts';
import { type DeviceMeta, emptyMeta } from '../state/device-meta.ts';
import { type DesiredEntry, emptyParams, Fleet, type ParameterKind } from '../state/fleet.ts';
import { type Quantity, storedOverrides } from '../state/parameter-meta.ts';
import type { Db } from './database.ts';

const KINDS = new Set(['number', 'string', 'boolean']);

/**
 * Names, labels and groups by device id, as stored, of the devices that have any (`ids`: of these devices
 * only, else of every device).
 */
export async function loadDeviceMeta(db: Db, ids?: readonly number[]): Promise<Map<number, DeviceMeta>> {
  const among = ids ? { in: [...ids] } : undefined;
  const [named, labels, groups] = await Promise.all([
    db.device.findMany({ where: { id: among, name: { not: null } }, select: { id: true, name: true } }),
    db.deviceLabel.findMany({ where: { deviceId: among } }),
    db.deviceGroup.findMany({ where: { deviceId: among }, orderBy: { name: 'asc' } }),
  ]);
  const metas = new Map<number, DeviceMeta>();
  const metaOf = (id: number) => {
    let m = metas.get(id);
    if (!m) {
      m = emptyMeta();
      metas.set(id, m);
    }
    return m;
  };
  for (const d of named) metaOf(d.id).name = d.name;
  for (const l of labels) metaOf(l.deviceId).labels[l.key] = l.value;
  for (const g of groups) metaOf(g.deviceId).groups.push(g.name);
  return metas;
}

/** Reads the committed state of every device and the parameter catalogue. */
export async function loadFleet(db: Db): Promise<Fleet> {
  const [devices, parameters, values, tokens, rejected, metas] = await Promise.all([
    db.device.findMany({
      select: {
        id: true,
        serial: true,
        createdAt: true,
        lastSeen: true,
        online: true,
        instance: true,
        ownerId: true,
        claimed: true,
        capabilities: true,
        protocol: true,
      },
    }),
    db.parameter.findMany(),
    db.deviceValue.findMany(),
    db.deviceToken.findMany({ select: { device: { select: { serial: true } } }, distinct: ['deviceId'] }),
    db.rejectedSerial.findMany({ select: { serial: true } }),
    loadDeviceMeta(db),
  ]);
  const fleet = new Fleet();
  for (const t of tokens) fleet.locked.add(t.device.serial);
  for (const r of rejected) fleet.rejected.add(r.serial);
  const byId = new Map<number, string>();
  for (const p of parameters) {
    byId.set(p.id, p.name);
    const kind = p.kind !== null && KINDS.has(p.kind) ? (p.kind as ParameterKind) : null;
    const overrides = storedOverrides({ ...p, quantity: p.quantity as Quantity | null });
    fleet.loadParameter({ name: p.name, kind, firstSeen: p.firstSeen.getTime(), ...(overrides ? { overrides } : {}) });
  }
  const states = new Map<number, Record<string, Scalar>>();
  for (const d of devices) {
    if (fleet.rejected.has(d.serial)) continue;
    if (d.claimed) fleet.claimed.add(d.serial);
    const params = emptyParams();
    states.set(d.id, params);
    fleet.load({
      serial: d.serial,
      createdAt: d.createdAt.getTime(),
      lastSeen: d.lastSeen?.getTime() ?? null,
      online: d.online,
      instance: d.instance,
      ownerId: d.ownerId,
      params,
      paramCount: 0,
      capabilities: d.capabilities ? (JSON.parse(d.capabilities) as Capabilities) : null,
      protocol: d.protocol === 2 ? 2 : 1,
      ...(metas.has(d.id) ? { meta: metas.get(d.id) } : {}),
    });
  }
  for (const v of values) {
    const params = states.get(v.deviceId);
    const name = byId.get(v.paramId);
    if (params && name !== undefined) params[name] = JSON.parse(v.value) as Scalar;
  }
  for (const d of fleet.devices.values()) d.paramCount = Object.keys(d.params).length;
  for (const w of await db.desiredValue.findMany()) {
    const device = fleet.get(w.serial);
    if (!device) continue;
    device.desired ??= Object.create(null) as Record<string, DesiredEntry>;
    device.desired[w.name] = { value: JSON.parse(w.value) as Scalar, setAt: w.setAt.getTime(), userId: w.userId };
  }
  return fleet;
}
