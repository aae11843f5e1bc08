import { type PeerBody, type PeerDevice, peerBodyText } from '../../protocol/peers.ts';
import type { Scalar } from '../../protocol/values.ts';
import type { DeviceState } from '../state/fleet.ts';

/** The parameters a subscription receives; null: every one. */
export type Projection = ReadonlySet<string> | null;

/** One device as a PEER frame carries it: the values named (all when null) within the projection, and presence. */
export function peerEntry(device: DeviceState, names: Iterable<string> | null, projection: Projection): PeerDevice {
  // No prototype: a parameter may be called __proto__.
  const out = Object.create(null) as Record<string, Scalar>;
  const params = device.params;
  if (names === null) {
    if (projection === null) Object.assign(out, params);
    else for (const name of projection) if (name in params) out[name] = params[name] as Scalar;
  } else {
    for (const name of names)
      if ((projection === null || projection.has(name)) && name in params) out[name] = params[name] as Scalar;
  }
  // Presence as the server knows it (the dashboard's truth); `online` and `lastSeen` are reserved parameter names.
  out.online = device.online;
  out.lastSeen = device.lastSeen;
  return out as PeerDevice;
}

/**
 * The PEER bodies of one payload, each holding at most `pageDevices` devices: serialised and encoded once
 * (UTF-8 bytes of the escaped body), whatever the number of subscribers it goes to. `left` goes with the last
 * page; every page but the last says `more`. An empty snapshot is one page (it still replaces what the
 * subscriber knew).
 */
export function peerPages(
  devices: ReadonlyArray<readonly [string, PeerDevice]>,
  left: readonly string[],
  snapshot: boolean,
  pageDevices: number,
): Buffer[] {
  if (devices.length === 0 && left.length === 0 && !snapshot) return [];
  const pages: Buffer[] = [];
  for (let start = 0; start === 0 || start < devices.length; start += pageDevices) {
    const last = start + pageDevices >= devices.length;
    const body: PeerBody = {
      snapshot,
      devices: Object.fromEntries(devices.slice(start, start + pageDevices)),
      left: last ? [...left] : [],
    };
    if (!last) body.more = true;
    pages.push(Buffer.from(peerBodyText(body)));
  }
  return pages;
}

/** Changes waiting for a cohort's next frame: which values changed per device (read at send time: the latest wins). */
export class PeerBatch {
  /** Serial → the names that changed, or null: send every value (it entered the subscription). */
  private readonly changed = new Map<string, Set<string> | null>();
  private readonly left = new Set<string>();

  get empty(): boolean {
    return this.changed.size === 0 && this.left.size === 0;
  }

  change(serial: string, values: Record<string, Scalar> | null, entered: boolean): void {
    const wasLeft = this.left.delete(serial);
    if (entered || wasLeft) {
      this.changed.set(serial, null);
      return;
    }
    let names = this.changed.get(serial);
    if (names === null) return;
    if (names === undefined) {
      names = new Set();
      this.changed.set(serial, names);
    }
    if (values) for (const name in values) names.add(name);
  }

  leave(serial: string): void {
    this.changed.delete(serial);
    this.left.add(serial);
  }

  /** Takes what is pending as PEER entries, reading each device's current values. */
  take(
    lookup: (serial: string) => DeviceState | undefined,
    projection: Projection,
  ): {
    devices: Array<[string, PeerDevice]>;
    left: string[];
  } {
    const devices: Array<[string, PeerDevice]> = [];
    const left = [...this.left];
    for (const [serial, names] of this.changed) {
      const device = lookup(serial);
      if (device) devices.push([serial, peerEntry(device, names, projection)]);
      else left.push(serial);
    }
    this.changed.clear();
    this.left.clear();
    return { devices, left };
  }
}
