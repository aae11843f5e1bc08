import type { Capabilities } from '../../protocol/v2.ts';
import type { Scalar } from '../../protocol/values.ts';
import { type DesiredEntry, emptyParams, Fleet, type ParameterKind } from '../state/fleet.ts';
import type { Db } from './database.ts';

const KINDS = new Set(['number', 'string', 'boolean']);

/** Reads the committed state of every device and the parameter catalogue. */
export async function loadFleet(db: Db): Promise<Fleet> {
  const [devices, parameters, values, tokens, rejected] = await Promise.all([
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
  ]);
  const fleet = new Fleet();
  for (const t of tokens) fleet.locked.add(t.device.serial);
  for (const r of rejected) fleet.rejected.add(r.serial);
  const byId = new Map<number, string>();
  for (const p of parameters) {
    byId.set(p.id, p.name);
    const kind = p.kind !== null && KINDS.has(p.kind) ? (p.kind as ParameterKind) : null;
    fleet.loadParameter({ name: p.name, kind, firstSeen: p.firstSeen.getTime() });
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
