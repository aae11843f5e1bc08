import type { PeerDevice } from '../../protocol/peers.ts';
import type { DeviceChange, DeviceState, Fleet } from '../state/fleet.ts';
import type { Predicate } from '../state/query.ts';
import { PeerBatch, type Projection, peerEntry, peerPages } from './peer-payload.ts';
import type { PeerScope, PeerSubscription } from './peer-subscription.ts';

/** What the cohorts of every feed share. */
export interface PeerContext {
  readonly fleet: Fleet;
  readonly pageDevices: number;
  readonly maxBufferedBytes: number;
  /** Brings a subscription that fell behind (or never had a snapshot) up to date, by itself. */
  catchUp(sub: PeerSubscription): void;
  /** Counts frames sent and payloads a slow subscriber skipped. */
  sent(frames: number): void;
  skipped(): void;
}

/**
 * The subscribers of one feed that take the same parameters at the same interval: they tick together, so a
 * batch of changes is collected, read and serialised once for all of them.
 */
export class Cohort {
  readonly synced = new Set<PeerSubscription>();
  /** Subscribers whose socket is too full for the shared batches: caught up one by one once it drains. */
  readonly behind = new Set<PeerSubscription>();
  readonly pending = new PeerBatch();
  private timer: NodeJS.Timeout | null = null;
  private lastTick = Number.NEGATIVE_INFINITY;
  /** The snapshot since the last tick (joiners before the next tick share it), and when it was taken. */
  private snapshotPages: { pages: string[]; at: number } | null = null;

  constructor(
    readonly key: string,
    readonly feed: Feed,
    readonly projection: Projection,
    readonly intervalMs: number,
    private readonly ctx: PeerContext,
  ) {}

  get size(): number {
    return this.synced.size + this.behind.size;
  }

  /** Something is pending: tick at once when idle, else at the end of the interval. */
  changed(): void {
    this.schedule(this.lastTick + this.intervalMs - performance.now());
  }

  /** Every member now, as pages; taken once per interval whatever the number of subscribers that join. */
  snapshot(): { pages: string[]; at: number } {
    if (this.snapshotPages) return this.snapshotPages;
    const devices: Array<[string, PeerDevice]> = [];
    for (const serial of this.feed.members) {
      const device = this.ctx.fleet.get(serial);
      if (device) devices.push([serial, peerEntry(device, null, this.projection)]);
    }
    this.snapshotPages = { pages: peerPages(devices, [], true, this.ctx.pageDevices), at: Date.now() };
    return this.snapshotPages;
  }

  add(sub: PeerSubscription, synced: boolean): void {
    if (synced) this.synced.add(sub);
    else {
      this.behind.add(sub);
      this.changed();
    }
  }

  remove(sub: PeerSubscription): void {
    this.synced.delete(sub);
    this.behind.delete(sub);
    if (this.size === 0) this.close();
  }

  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private schedule(delay: number): void {
    this.timer ??= setTimeout(() => this.tick(), Math.max(0, delay));
  }

  private tick(): void {
    this.timer = null;
    const now = performance.now();
    if (now - this.lastTick < this.intervalMs) {
      this.schedule(this.lastTick + this.intervalMs - now);
      return;
    }
    if (this.pending.empty && this.behind.size === 0) return;
    this.lastTick = now;
    this.snapshotPages = null;
    const wall = Date.now();
    const { maxBufferedBytes } = this.ctx;
    if (!this.pending.empty) {
      const { devices, left } = this.pending.take((s) => this.ctx.fleet.get(s), this.projection);
      const pages = peerPages(devices, left, false, this.ctx.pageDevices);
      let frames = 0;
      for (const sub of this.synced) {
        // A socket that is not keeping up gets nothing more queued; its changes wait, coalesced, for it to drain.
        if (sub.sink.buffered > maxBufferedBytes) {
          this.synced.delete(sub);
          this.behind.add(sub);
          this.ctx.skipped();
          continue;
        }
        frames += sub.send(pages, wall, wall);
      }
      this.ctx.sent(frames);
    }
    for (const sub of this.behind) {
      if (sub.sink.buffered > maxBufferedBytes / 2) continue;
      this.behind.delete(sub);
      this.synced.add(sub);
      this.ctx.catchUp(sub);
    }
    // Keep ticking while someone waits to drain.
    if (this.behind.size > 0) this.schedule(this.intervalMs);
  }
}

/**
 * The devices one scope and filter select, shared by every subscription with that scope and filter: a change
 * is checked against the filter once per feed, not once per subscriber.
 */
export class Feed {
  readonly members = new Set<string>();
  readonly cohorts = new Map<string, Cohort>();

  constructor(
    readonly key: string,
    readonly scope: PeerScope,
    /** Some condition narrows the scope (then devices of the scope may be outside the feed). */
    readonly filtered: boolean,
    private readonly match: Predicate,
    fleet: Fleet,
  ) {
    for (const d of fleet.devices.values()) if (match(d)) this.members.add(d.serial);
  }

  onChange(device: DeviceState, change: DeviceChange): void {
    const serial = device.serial;
    if (change.removed) {
      if (!this.members.delete(serial)) return;
      for (const c of this.cohorts.values()) {
        c.pending.leave(serial);
        c.changed();
      }
      return;
    }
    const was = this.members.has(serial);
    const is = this.match(device);
    if (!was && !is) return;
    if (is && !was) this.members.add(serial);
    if (!is) this.members.delete(serial);
    for (const c of this.cohorts.values()) {
      if (is) c.pending.change(serial, change.values, !was);
      else c.pending.leave(serial);
      c.changed();
    }
  }
}
