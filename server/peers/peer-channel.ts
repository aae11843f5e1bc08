import type { ErrorReasonName } from '../../protocol/codes.ts';
import type { PeerDevice, Subscription } from '../../protocol/peers.ts';
import { nameProblem } from '../../protocol/values.ts';
import { BadInputError } from '../errors.ts';
import type { DeviceChange, DeviceState, Fleet } from '../state/fleet.ts';
import { type Condition, compileWhere, type Predicate } from '../state/query.ts';
import { Cohort, Feed, type PeerContext } from './feed.ts';
import { peerEntry, peerPages } from './peer-payload.ts';
import { NOBODY, type PeerScope, type PeerSink, PeerSubscription, scopeSees } from './peer-subscription.ts';
import { RESUME_OVERLAP_MS, ResumeIndex } from './resume-index.ts';

export interface PeerOptions {
  pageDevices: number;
  maxBufferedBytes: number;
  resumeSeconds: number;
  /** Lab mode (AUTH=off): unclaimed devices read the other unclaimed devices. */
  unclaimedPeers: boolean;
}

export interface PeerStats {
  subscriptions: number;
  feeds: number;
  behind: number;
  maxBuffered: number;
}

export interface PeerCounters {
  frames(n: number): void;
  skipped(): void;
  resumed(result: 'changes' | 'snapshot'): void;
}

const NO_COUNTERS: PeerCounters = { frames: () => {}, skipped: () => {}, resumed: () => {} };

/**
 * The IoT channel: protocol v2 devices subscribe (SUBS) to their owner's devices and receive PEER frames, a
 * snapshot and then the changes, coalesced per interval. Every instance serves its own sockets from its copy
 * of the fleet (kept in step by the bus), so it works the same behind a balancer.
 */
export class PeerChannel implements PeerContext {
  private readonly subscriptions = new Map<PeerSink, PeerSubscription>();
  private readonly feeds = new Map<string, Feed>();
  private readonly index: ResumeIndex;
  readonly pageDevices: number;
  readonly maxBufferedBytes: number;
  private prunedAt = 0;

  constructor(
    readonly fleet: Fleet,
    private readonly options: PeerOptions,
    private readonly counters: PeerCounters = NO_COUNTERS,
  ) {
    this.index = new ResumeIndex(options.resumeSeconds * 1000, Date.now());
    this.pageDevices = options.pageDevices;
    this.maxBufferedBytes = options.maxBufferedBytes;
  }

  /** Starts (or replaces) a socket's subscription; null when accepted, else why not. Frames flow after `begin`. */
  subscribe(sink: PeerSink, serial: string, request: Subscription): ErrorReasonName | null {
    if (sink.version !== 2) return 'v2Only';
    const device = this.fleet.get(serial);
    if (!device) return 'initFirst';
    const scope = this.scopeOf(device.ownerId);
    if (scope === NOBODY) return 'notClaimed';
    let match: Predicate;
    try {
      match = this.compile(request.where as Condition[]);
    } catch (err) {
      if (err instanceof BadInputError) return 'badSubscription';
      throw err;
    }
    this.unsubscribe(sink);
    const projection = request.params === null ? null : new Set(request.params);
    const sub = new PeerSubscription(sink, serial, request, scope, projection);
    this.subscriptions.set(sink, sub);
    this.cohortFor(sub, match);
    return null;
  }

  /** Sends a new subscription its first frames: the changes since `since` when this instance can tell, else a snapshot. */
  begin(sink: PeerSink): void {
    const sub = this.subscriptions.get(sink);
    const cohort = sub?.cohort;
    if (!sub || !cohort) return;
    if (sink.buffered > this.maxBufferedBytes) {
      cohort.add(sub, false);
      return;
    }
    const since = sub.request.since;
    if (since !== null && this.index.canTell(since - RESUME_OVERLAP_MS, Date.now())) {
      sub.cursor = since - RESUME_OVERLAP_MS;
      this.counters.resumed('changes');
    } else if (since !== null) this.counters.resumed('snapshot');
    cohort.add(sub, true);
    this.catchUp(sub);
  }

  unsubscribe(sink: PeerSink): void {
    const sub = this.subscriptions.get(sink);
    if (!sub) return;
    this.subscriptions.delete(sink);
    this.detach(sub);
  }

  /** Before a change of owner or a rejection is applied: who owned the device, for resuming subscribers' `left`. */
  departing(serial: string, owner: number | null, removed: boolean): void {
    this.index.depart(serial, owner, Date.now(), removed);
  }

  /** Called once per committed batch, after the changes are applied to the fleet. */
  publish(applied: ReadonlyArray<readonly [DeviceState, DeviceChange]>): void {
    const now = Date.now();
    for (const [device, change] of applied) if (!change.removed) this.index.touch(device.serial, now);
    if (now - this.prunedAt > 60_000) {
      this.prunedAt = now;
      this.index.prune(now);
    }
    if (this.feeds.size === 0) return;
    for (const feed of this.feeds.values()) for (const [device, change] of applied) feed.onChange(device, change);
    for (const [, change] of applied) if (change.owner !== undefined) this.rescope(change.serial);
  }

  /** PeerContext: a subscription that fell behind, or is new, gets the changes since its cursor, or a snapshot. */
  catchUp(sub: PeerSubscription): void {
    const cohort = sub.cohort;
    if (!cohort) return;
    const now = Date.now();
    if (sub.cursor === null || !this.index.canTell(sub.cursor, now)) {
      const { pages, at } = cohort.snapshot();
      this.sent(sub.send(pages, at, now));
      return;
    }
    const from = sub.cursor;
    const feed = cohort.feed;
    const devices: Array<[string, PeerDevice]> = [];
    for (const serial of feed.members) {
      const device = this.fleet.get(serial);
      if (device && this.index.changedAfter(serial, from)) devices.push([serial, peerEntry(device, null, sub.projection)]);
    }
    const left = new Set<string>();
    for (const serial of this.index.departedAfter(from, feed.scope.owner ?? null))
      if (feed.scope.owner !== undefined && !feed.members.has(serial)) left.add(serial);
    if (feed.filtered)
      for (const serial of this.index.touchedAfter(from)) {
        const device = this.fleet.get(serial);
        if (device && scopeSees(feed.scope, device) && !feed.members.has(serial)) left.add(serial);
      }
    this.sent(sub.send(peerPages(devices, [...left], false, this.pageDevices), now, now));
  }

  sent(frames: number): void {
    if (frames > 0) this.counters.frames(frames);
  }

  skipped(): void {
    this.counters.skipped();
  }

  /** For /metrics (read at scrape time): subscriptions, feeds, those waiting to drain, the fullest socket. */
  stats(): PeerStats {
    let behind = 0;
    let maxBuffered = 0;
    for (const feed of this.feeds.values()) for (const c of feed.cohorts.values()) behind += c.behind.size;
    for (const sink of this.subscriptions.keys()) maxBuffered = Math.max(maxBuffered, sink.buffered);
    return { subscriptions: this.subscriptions.size, feeds: this.feeds.size, behind, maxBuffered };
  }

  close(): void {
    for (const feed of this.feeds.values()) for (const c of feed.cohorts.values()) c.close();
    this.feeds.clear();
    this.subscriptions.clear();
  }

  private scopeOf(owner: number | null): PeerScope {
    if (owner !== null) return { key: `owner:${owner}`, owner };
    return this.options.unclaimedPeers ? { key: 'unclaimed', owner: null } : NOBODY;
  }

  /** The conditions, checked as the `devices` query checks them, on fields that can be parameters or built in. */
  private compile(where: readonly Condition[]): Predicate {
    for (const c of where) if (nameProblem(c.field) === 'badName') throw new BadInputError(`unknown field ${c.field}`);
    return compileWhere(where);
  }

  private feedKey(scope: PeerScope, where: readonly Condition[]): string {
    return `${scope.key}|${JSON.stringify(where.map((c) => [c.field, c.op, c.value ?? null]))}`;
  }

  private cohortFor(sub: PeerSubscription, match: Predicate): Cohort {
    const where = sub.request.where as Condition[];
    const key = this.feedKey(sub.scope, where);
    let feed = this.feeds.get(key);
    if (!feed) {
      const scope = sub.scope;
      feed = new Feed(key, scope, where.length > 0, (d) => scopeSees(scope, d) && match(d), this.fleet);
      this.feeds.set(key, feed);
    }
    const cohortKey = `${sub.request.intervalMs}|${sub.request.params === null ? '*' : [...(sub.projection ?? [])].sort().join(',')}`;
    let cohort = feed.cohorts.get(cohortKey);
    if (!cohort) {
      cohort = new Cohort(cohortKey, feed, sub.projection, sub.request.intervalMs, this);
      feed.cohorts.set(cohortKey, cohort);
    }
    sub.cohort = cohort;
    return cohort;
  }

  private detach(sub: PeerSubscription): void {
    const cohort = sub.cohort;
    if (!cohort) return;
    sub.cohort = null;
    cohort.remove(sub);
    if (cohort.size > 0) return;
    const feed = cohort.feed;
    feed.cohorts.delete(cohort.key);
    if (feed.cohorts.size === 0 && this.feeds.get(feed.key) === feed) this.feeds.delete(feed.key);
  }

  /**
   * A subscribing device changed owner: it gets an empty snapshot and nothing more (its socket may hold the old
   * owner's enrollment key); it reads its new owner's devices once it subscribes again, as a device of theirs.
   */
  private rescope(serial: string): void {
    for (const sub of this.subscriptions.values()) {
      if (sub.serial !== serial || sub.scope === NOBODY) continue;
      const device = this.fleet.get(serial);
      if (device && this.scopeOf(device.ownerId).key === sub.scope.key) continue;
      this.detach(sub);
      sub.scope = NOBODY;
      sub.cursor = null;
      const cohort = this.cohortFor(sub, () => false);
      cohort.add(sub, true);
      this.catchUp(sub);
    }
  }
}
