import type { Scalar } from '../../protocol/values.ts';
import { kindOf, type ParameterKind } from '../state/fleet.ts';

/** An accepted frame on its way to storage. `t` is unique per device (the server keeps it increasing). */
export interface FrameWrite {
  serial: string;
  /** When the server accepted it (the device's lastSeen). */
  t: number;
  /** When the device observed the values, if it said so (protocol v2) and it is before `t`: the history's time. */
  observed?: number;
  values: Array<[string, Scalar]>;
  /** The owner a new device is registered to (it came with an enrollment key). */
  owner?: number;
  /** The first frame for this device that came with a credential: from now on it refuses anonymous sockets. */
  claim?: true;
}

/** A device's socket closed on this instance. */
export interface OfflineWrite {
  serial: string;
  offline: true;
}

export type WriteItem = FrameWrite | OfflineWrite;

export const isOffline = (item: WriteItem): item is OfflineWrite => 'offline' in item;

export interface NewDevice {
  serial: string;
  createdAt: number;
  lastSeen: number;
  owner: number | null;
}

export interface NewParameter {
  name: string;
  kind: ParameterKind | null;
  firstSeen: number;
}

export interface HistoryRow {
  serial: string;
  name: string;
  t: number;
  value: Scalar;
}

/** What one group commit writes, before ids are known. */
export interface BatchPlan {
  /** Devices with at least one frame, and the time of their newest frame. */
  seen: Map<string, number>;
  /** Devices whose last event in the batch is their socket closing. */
  offline: string[];
  /** First frame per device, for registering devices the writer does not know yet. */
  firstFrame: Map<string, number>;
  /** The owner of a device registered by an enrolled frame. */
  owners: Map<string, number>;
  /** Devices written with a credential for the first time. */
  claims: Set<string>;
  /** First non-null value's kind per parameter name, and when it first appeared. */
  names: Map<string, NewParameter>;
  /** Latest value per device and parameter (only the last write of a batch reaches device_value). */
  latest: Map<string, Map<string, Scalar>>;
  history: HistoryRow[];
}

export function planBatch(items: readonly WriteItem[]): BatchPlan {
  const plan: BatchPlan = {
    seen: new Map(),
    offline: [],
    firstFrame: new Map(),
    owners: new Map(),
    claims: new Set(),
    names: new Map(),
    latest: new Map(),
    history: [],
  };
  const lastEventOnline = new Map<string, boolean>();
  for (const item of items) {
    if (isOffline(item)) {
      lastEventOnline.set(item.serial, false);
      continue;
    }
    const { serial, t } = item;
    lastEventOnline.set(serial, true);
    plan.seen.set(serial, Math.max(t, plan.seen.get(serial) ?? t));
    if (!plan.firstFrame.has(serial)) plan.firstFrame.set(serial, t);
    if (item.owner !== undefined && !plan.owners.has(serial)) plan.owners.set(serial, item.owner);
    if (item.claim) plan.claims.add(serial);
    let latest = plan.latest.get(serial);
    if (!latest) {
      latest = new Map();
      plan.latest.set(serial, latest);
    }
    for (const [name, value] of item.values) {
      latest.set(name, value);
      plan.history.push({ serial, name, t: item.observed ?? t, value });
      const known = plan.names.get(name);
      if (!known) plan.names.set(name, { name, kind: kindOf(value), firstSeen: t });
      else if (known.kind === null) known.kind = kindOf(value);
    }
  }
  for (const [serial, online] of lastEventOnline) if (!online) plan.offline.push(serial);
  return plan;
}

/** How a value is kept: numbers as numbers (for trends), everything else as JSON text. */
export function historyColumns(value: Scalar): [number | null, string | null] {
  return typeof value === 'number' ? [value, null] : [null, JSON.stringify(value)];
}
