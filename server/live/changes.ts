import type { DeviceChange, DeviceState, Fleet } from '../state/fleet.ts';
import type { ChangeBus } from './bus.ts';
import type { LiveHub } from './hub.ts';

/** Who wants to hear of changes that concern open device sockets (revoked tokens, rejected devices). */
export type ControlListener = (change: DeviceChange) => void;

/**
 * The one place a committed change takes effect: the fleet state, the subscribers (hub), the device
 * sockets it concerns, and (for changes made here) the other instances (bus). Everything that changes
 * a device goes through here: ingest, presence, device administration, and whatever comes later.
 */
export class Changes {
  private readonly controls: ControlListener[] = [];
  private readonly committed: Array<(changes: readonly DeviceChange[]) => void> = [];
  private readonly fanOuts: Array<(applied: ReadonlyArray<readonly [DeviceState, DeviceChange]>) => void> = [];
  private readonly departing: Array<(serial: string, owner: number | null, removed: boolean) => void> = [];

  constructor(
    private readonly fleet: Fleet,
    private readonly hub: LiveHub,
    private readonly bus: ChangeBus,
  ) {}

  /** Device sockets register here; they close when their token is revoked or their device rejected. */
  onControl(listener: ControlListener): void {
    this.controls.push(listener);
  }

  /** Called after changes stored by this instance were applied (reactions that one instance must make once). */
  onCommitted(listener: (changes: readonly DeviceChange[]) => void): void {
    this.committed.push(listener);
  }

  /** Fan-outs besides the hub (the IoT channel): every applied batch, here and from the other instances. */
  onApplied(listener: (applied: ReadonlyArray<readonly [DeviceState, DeviceChange]>) => void): void {
    this.fanOuts.push(listener);
  }

  /** Told who owned a device before a change of owner or its rejection is applied. */
  onDeparting(listener: (serial: string, owner: number | null, removed: boolean) => void): void {
    this.departing.push(listener);
  }

  /**
   * Commits a change of a device that is not a frame (owner, token, capabilities, desired values...): its
   * presence stays as the fleet knows it.
   */
  commitFor(serial: string, extra: Partial<DeviceChange>): void {
    const device = this.fleet.get(serial);
    this.commit([
      { serial, at: Date.now(), values: null, online: device?.online ?? false, instance: device?.instance ?? null, ...extra },
    ]);
  }

  /** Changes stored by this instance: applied here, then sent to the other instances. */
  commit(changes: DeviceChange[]): void {
    if (changes.length === 0) return;
    this.apply(changes);
    this.bus.publish(changes);
    for (const l of this.committed) l(changes);
  }

  /** Changes another instance committed, or a resynchronisation found: applied here only. */
  receive(changes: readonly DeviceChange[]): void {
    this.apply(changes);
  }

  private apply(changes: readonly DeviceChange[]): void {
    const applied: Array<[DeviceState, DeviceChange]> = [];
    for (const change of changes) {
      if (change.revokedToken !== undefined || change.removed) for (const l of this.controls) l(change);
      if (change.owner !== undefined || change.removed) {
        const before = this.fleet.get(change.serial);
        if (before && (change.removed || before.ownerId !== change.owner))
          for (const l of this.departing) l(change.serial, before.ownerId, change.removed === true);
      }
      const device = this.fleet.apply(change);
      if (device) applied.push([device, change]);
    }
    this.hub.publish(applied);
    for (const fanOut of this.fanOuts) fanOut(applied);
  }
}
