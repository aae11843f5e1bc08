import type { Capabilities, ProtocolVersion } from '../../protocol/v2.ts';
import type { Scalar } from '../../protocol/values.ts';
import type { DeviceMeta } from './device-meta.ts';
import type { ParameterMetaOverrides } from './parameter-meta.ts';

export type ParameterKind = 'number' | 'string' | 'boolean';

/** The live state of one device; times are milliseconds since the epoch. */
export interface DeviceState {
  readonly serial: string;
  createdAt: number;
  lastSeen: number | null;
  online: boolean;
  /** The server instance holding the device's socket while it is online. */
  instance: string | null;
  /** The user who owns it; null while unclaimed. */
  ownerId: number | null;
  /** Latest value per parameter (no prototype, so any name is safe as a key). */
  params: Record<string, Scalar>;
  paramCount: number;
  /** Protocol v2: the commands it accepts, from its last CAPS frame; null until it sends one. */
  capabilities?: Capabilities | null;
  /** The protocol of its newest socket (2 takes commands); 1 until it connects with v2. */
  protocol?: ProtocolVersion;
  /** Values users want it to take, until it reports them (name → what, by whom, when). */
  desired?: Record<string, DesiredEntry>;
  /** Its display name, labels and groups; absent: none. */
  meta?: DeviceMeta;
}

export interface DesiredEntry {
  value: Scalar;
  setAt: number;
  userId: number | null;
}

export interface ParameterInfo {
  name: string;
  /** From the first non-null value; null while only nulls were seen. */
  kind: ParameterKind | null;
  firstSeen: number;
  /** Display metadata an admin set (null fields: defaults); absent: none set. */
  overrides?: ParameterMetaOverrides;
}

/**
 * One committed change of one device. The same record updates the state of every instance and
 * feeds the subscriptions, so it carries absolute values, never deltas.
 */
export interface DeviceChange {
  serial: string;
  /** When the server accepted it; also the device's lastSeen when values is set. */
  at: number;
  /** Values the frame carried; null for a presence change. */
  values: Record<string, Scalar> | null;
  online: boolean;
  instance: string | null;
  /** Set when this change registered the device. */
  createdAt?: number;
  /** Set when the owner changed (or a new device was registered to one); null: unclaimed. */
  owner?: number | null;
  /** Set when an admin rejected the device: it leaves the fleet. */
  removed?: true;
  /** Set when the device got its first token: from then on it must present one. */
  locked?: true;
  /** Set when the device first wrote with a credential: from then on anonymous sockets are refused for it. */
  claimed?: true;
  /** A token of this device was revoked: sockets that connected with it close. */
  revokedToken?: number;
  /** Protocol v2: the device declared the commands it accepts. */
  capabilities?: Capabilities;
  /** The protocol of the device's newest socket. */
  protocol?: ProtocolVersion;
  /** Desired values set (superseding older ones) or cleared (the device reported them). */
  desired?: { set?: Record<string, DesiredEntry>; cleared?: string[] };
  /** Its owner named, labelled or grouped it (the whole metadata, as it is now). */
  meta?: DeviceMeta;
}

export function kindOf(value: Scalar): ParameterKind | null {
  if (value === null) return null;
  return typeof value as ParameterKind;
}

export function emptyParams(): Record<string, Scalar> {
  return Object.create(null) as Record<string, Scalar>;
}

/** Every device and the parameter catalogue, as committed to storage. */
export class Fleet {
  readonly devices = new Map<string, DeviceState>();
  /** Serials that must present a device token (they have had one). */
  readonly locked = new Set<string>();
  /** Serials that have written with a credential (token or enrollment key): never again without one. */
  readonly claimed = new Set<string>();
  /** Serials an admin rejected: refused at the door. */
  readonly rejected = new Set<string>();
  readonly parameters = new Map<string, ParameterInfo>();
  /** Bumped by every applied change: cheap staleness check for cached query results. */
  version = 0;

  onlineCount(): number {
    let n = 0;
    for (const d of this.devices.values()) if (d.online) n++;
    return n;
  }

  get(serial: string): DeviceState | undefined {
    return this.devices.get(serial);
  }

  /** Adds a device as loaded from storage. */
  load(device: DeviceState): void {
    this.devices.set(device.serial, device);
  }

  loadParameter(info: ParameterInfo): void {
    this.parameters.set(info.name, info);
  }

  /** Applies one change; returns the device, or null when the change was stale and ignored. */
  apply(change: DeviceChange): DeviceState | null {
    let device = this.devices.get(change.serial);
    if (change.locked) this.locked.add(change.serial);
    if (change.claimed) this.claimed.add(change.serial);
    if (change.removed) {
      this.rejected.add(change.serial);
      if (!device) return null;
      this.devices.delete(change.serial);
      this.version++;
      return device;
    }
    if (device && change.owner !== undefined) device.ownerId = change.owner;
    if (device && change.capabilities !== undefined) device.capabilities = change.capabilities;
    if (device && change.protocol !== undefined) device.protocol = change.protocol;
    if (device && change.meta !== undefined) device.meta = change.meta;
    if (device && change.desired) {
      device.desired ??= Object.create(null) as Record<string, DesiredEntry>;
      const desired = device.desired;
      Object.assign(desired, change.desired.set ?? {});
      for (const name of change.desired.cleared ?? []) delete desired[name];
    }
    if (change.values === null) {
      if (!device) return null;
      // An offline notice from an instance that no longer holds the device is stale.
      if (!change.online && device.instance !== null && device.instance !== change.instance) return null;
      device.online = change.online;
      device.instance = change.online ? change.instance : null;
      this.version++;
      return device;
    }
    if (!device) {
      device = {
        serial: change.serial,
        createdAt: change.createdAt ?? change.at,
        lastSeen: null,
        online: false,
        instance: null,
        ownerId: change.owner ?? null,
        params: emptyParams(),
        paramCount: 0,
        ...(change.meta ? { meta: change.meta } : {}),
      };
      this.devices.set(change.serial, device);
    }
    const params = device.params;
    for (const name in change.values) {
      const value = change.values[name] as Scalar;
      if (!(name in params)) {
        device.paramCount++;
        this.observe(name, value, change.at);
      } else if (value !== null && this.parameters.get(name)?.kind === null) {
        this.observe(name, value, change.at);
      }
      params[name] = value;
    }
    if (device.lastSeen === null || change.at > device.lastSeen) device.lastSeen = change.at;
    device.online = change.online;
    device.instance = change.instance;
    this.version++;
    return device;
  }

  private observe(name: string, value: Scalar, at: number): void {
    const known = this.parameters.get(name);
    if (!known) this.parameters.set(name, { name, kind: kindOf(value), firstSeen: at });
    else if (known.kind === null) known.kind = kindOf(value);
  }
}
