import type { Scalar } from '../../protocol/values.ts';
import { ALL_DEVICES, canSee, type Scope, scopeKey } from '../auth/viewer.ts';
import { ForbiddenError } from '../errors.ts';
import type { DeviceChange, DeviceState, Fleet } from '../state/fleet.ts';
import { type Condition, compileWhere, type Predicate } from '../state/query.ts';
import { QueueStream, UpdateStream } from './streams.ts';

import { PendingBatch } from './update-batch.ts';

/** What a deviceChanged subscriber receives. */
export interface ChangeEvent {
  serial: string;
  at: number;
  values: Record<string, Scalar>;
  online: boolean;
  lastSeen: number | null;
}

export interface HubOptions {
  /** deviceUpdates: at most one batch per subscriber per window. */
  coalesceMs: number;
  /** deviceChanged: a subscriber further behind than this is dropped. */
  maxQueuedChanges: number;
}

/**
 * The subscribers of one filter. Every subscriber with the same filter shares its matching work
 * and its batches, so a change costs one filter check per distinct filter, not per subscriber.
 */
class View {
  readonly subscribers = new Set<UpdateStream>();
  private readonly pending = new PendingBatch();
  /** Serials matching the filter; null for the unfiltered view (every device matches). */
  private readonly members: Set<string> | null;
  private timer: NodeJS.Timeout | null = null;
  private lastTick = Number.NEGATIVE_INFINITY;
  /** Some subscriber holds a merged batch it has not read yet: keep ticking. */
  private backlog = false;

  constructor(
    private readonly match: Predicate | null,
    fleet: Fleet,
    private readonly windowMs: number,
  ) {
    if (!match) {
      this.members = null;
      return;
    }
    this.members = new Set();
    for (const d of fleet.devices.values()) if (match(d)) this.members.add(d.serial);
  }

  onChange(device: DeviceState, change: DeviceChange): void {
    if (change.removed) {
      if (this.members?.delete(device.serial) === false) return;
      this.pending.leave(device.serial);
    } else if (this.members === null || this.match === null) {
      this.pending.change(device, change, change.createdAt !== undefined);
    } else {
      const was = this.members.has(device.serial);
      if (this.match(device)) {
        if (!was) this.members.add(device.serial);
        this.pending.change(device, change, !was);
      } else if (was) {
        this.members.delete(device.serial);
        this.pending.leave(device.serial);
      } else {
        return;
      }
    }
    // Tick at once when idle, else at the end of the window: low latency, bounded rate.
    this.schedule(this.lastTick + this.windowMs - performance.now());
  }

  close(): void {
    if (this.timer) clearTimeout(this.timer);
    for (const s of [...this.subscribers]) s.end();
  }

  private schedule(delay: number): void {
    this.timer ??= setTimeout(() => this.tick(), Math.max(0, delay));
  }

  private tick(): void {
    this.timer = null;
    const now = performance.now();
    // Timers may fire a fraction of a millisecond early; the window is a promise to subscribers.
    if (now - this.lastTick < this.windowMs) {
      this.schedule(this.lastTick + this.windowMs - now);
      return;
    }
    const batch = this.pending.empty ? null : this.pending.take();
    if (!batch && !this.backlog) return;
    this.lastTick = now;
    let backlog = false;
    for (const s of this.subscribers) backlog = s.tick(batch, now) || backlog;
    this.backlog = backlog;
    if (backlog) this.schedule(this.windowMs);
  }
}

/** Fans committed changes out to subscriptions; per-change work does not grow with subscribers. */
export class LiveHub {
  private readonly views = new Map<string, View>();
  private readonly watchers = new Map<string, Map<QueueStream<ChangeEvent>, Scope>>();
  private changeSubscribers = 0;

  constructor(
    private readonly fleet: Fleet,
    private readonly options: HubOptions,
  ) {}

  /** Called once per committed batch, after the changes are applied to the fleet. */
  publish(applied: ReadonlyArray<readonly [DeviceState, DeviceChange]>): void {
    for (const view of this.views.values()) {
      for (const [device, change] of applied) view.onChange(device, change);
    }
    if (this.watchers.size === 0) return;
    for (const [device, change] of applied) {
      const watching = this.watchers.get(device.serial);
      if (!watching) continue;
      const event: ChangeEvent = {
        serial: device.serial,
        at: change.at,
        values: change.values ?? {},
        online: device.online,
        lastSeen: device.lastSeen,
      };
      // Checked per change: the device may have changed owner or left the fleet since the subscription began.
      for (const [w, scope] of watching) {
        if (change.removed || !canSee(scope, device)) w.end(new ForbiddenError('this device is not yours to watch'));
        else w.deliver(event);
      }
    }
  }

  /** A deviceUpdates stream of the devices in scope; throws BadInputError for a bad filter. */
  subscribeUpdates(where: readonly Condition[], scope: Scope = ALL_DEVICES): UpdateStream {
    const key = `${scopeKey(scope)}|${JSON.stringify(where.map((c) => [c.field, c.op, c.value ?? null]))}`;
    let view = this.views.get(key);
    if (!view) {
      const match = where.length === 0 ? null : compileWhere(where);
      const scoped: Predicate | null =
        scope.kind === 'all' ? match : match ? (d) => canSee(scope, d) && match(d) : (d) => canSee(scope, d);
      view = new View(scoped, this.fleet, this.options.coalesceMs);
      this.views.set(key, view);
    }
    const owner = view;
    const stream = new UpdateStream(this.options.coalesceMs, () => {
      owner.subscribers.delete(stream);
      if (owner.subscribers.size === 0 && this.views.get(key) === owner) {
        this.views.delete(key);
        owner.close();
      }
    });
    view.subscribers.add(stream);
    return stream;
  }

  /** Every change of one device; the caller checks the device is in scope before subscribing. */
  subscribeDevice(serial: string, scope: Scope = ALL_DEVICES): QueueStream<ChangeEvent> {
    let watching = this.watchers.get(serial);
    if (!watching) {
      watching = new Map();
      this.watchers.set(serial, watching);
    }
    const set = watching;
    this.changeSubscribers++;
    const stream = new QueueStream<ChangeEvent>(this.options.maxQueuedChanges, () => {
      this.changeSubscribers--;
      set.delete(stream);
      if (set.size === 0) this.watchers.delete(serial);
    });
    set.set(stream, scope);
    return stream;
  }

  stats(): { views: number; updateSubscribers: number; changeSubscribers: number } {
    let updateSubscribers = 0;
    for (const v of this.views.values()) updateSubscribers += v.subscribers.size;
    return { views: this.views.size, updateSubscribers, changeSubscribers: this.changeSubscribers };
  }

  /** Ends every subscription (server shutdown). */
  close(): void {
    for (const view of [...this.views.values()]) view.close();
    for (const set of [...this.watchers.values()]) for (const s of [...set.keys()]) s.end();
  }
}
