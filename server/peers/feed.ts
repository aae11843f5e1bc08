import type { PeerDevice } from '../../protocol/peers.ts';
import type { DeviceChange, DeviceState, Fleet } from '../state/fleet.ts';
import type { Predicate } from '../state/query.ts';
import { PeerBatch, type Projection, peerEntry, peerPages } from './peer-payload.ts';
import type { PeerScope, PeerSubscription } from './peer-subscription.ts';

/** Subscribers served before the fan-out yields to the event loop (device frames waiting for their answer). */
const DELIVERY_SLICE = 16;

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
  private snapshotPages: { pages: Buffer[]; at: number } | null = null;
  /** A batch still going out, slice by slice. */
  private delivering = false;

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
  snapshot(): { pages: Buffer[]; at: number } {
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
    if (now - this.lastTick < this.intervalMs || this.delivering) {
      this.schedule(Math.max(1, this.lastTick + this.intervalMs - now));
      return;
    }
    if (this.pending.empty && this.behind.size === 0) return;
    this.lastTick = now;
    this.snapshotPages = null;
    const wall = Date.now();
    if (!this.pending.empty) {
      const { devices, left } = this.pending.take((s) => this.ctx.fleet.get(s), this.projection);
      this.deliver(peerPages(devices, left, false, this.ctx.pageDevices), wall, [...this.synced], 0);
    }
    const { maxBufferedBytes } = this.ctx;
    for (const sub of this.behind) {
      if (sub.sink.buffered > maxBufferedBytes / 2) continue;
      this.behind.delete(sub);
      this.synced.add(sub);
      this.ctx.catchUp(sub);
    }
    // Keep ticking while someone waits to drain.
    if (this.behind.size > 0) this.schedule(this.intervalMs);
  }

  /**
   * Sends one batch to its subscribers a slice at a time, yielding to the event loop in between, so device
   * frames are answered while a large fan-out goes out.
   */
  private deliver(pages: Buffer[], wall: number, subs: PeerSubscription[], from: number): void {
    const { maxBufferedBytes } = this.ctx;
    const end = Math.min(subs.length, from + DELIVERY_SLICE);
    let frames = 0;
    for (let i = from; i < end; i++) {
      const sub = subs[i] as PeerSubscription;
      if (!this.synced.has(sub)) continue; // left, or fell behind, meanwhile
      // A socket that is not keeping up gets nothing more queued; its changes wait, coalesced, for it to drain.
      if (sub.sink.buffered > maxBufferedBytes) {
        this.synced.delete(sub);
        this.behind.add(sub);
        this.ctx.skipped();
        this.schedule(this.intervalMs);
        continue;
      }
      frames += sub.send(pages, wall, Date.now());
    }
    this.ctx.sent(frames);
    this.delivering = end < subs.length;
    if (this.delivering) setImmediate(() => this.deliver(pages, wall, subs, end));
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
