import { setImmediate } from 'node:timers/promises';
import { ErrorReason, type ErrorReasonName } from '../../protocol/codes.ts';
import { formatAck, formatError, type ParsedFrame } from '../../protocol/frames.ts';
import type { Scalar } from '../../protocol/values.ts';
import type { Config } from '../config.ts';
import type { Changes } from '../live/changes.ts';
import type { Logger } from '../logger.ts';
import type { Metrics } from '../metrics.ts';
import { type DeviceChange, type DeviceState, emptyParams, type Fleet } from '../state/fleet.ts';
import { type FrameWrite, isOffline, type WriteItem } from '../storage/batch.ts';
import { type CommitResult, type CommitTarget, GroupCommit } from '../storage/group-commit.ts';

/** Frames answered before the event loop gets a turn. */
const ANSWER_SLICE = 1024;

/** Where an answer goes: the device's socket. `answer` is for admitted frames, which it counts. */
export interface AnswerSink {
  answer(text: string): void;
}

interface Ticket {
  sink: AnswerSink;
  head: string;
  received: number;
}

export type IngestLimits = Pick<
  Config,
  | 'unknownDevices'
  | 'maxParamsPerDevice'
  | 'maxParameters'
  | 'maxDevices'
  | 'batchWindowMs'
  | 'batchMaxFrames'
  | 'observedMaxAgeSeconds'
>;

/**
 * The hot path after parsing: admit a frame, group-commit it, then (and only then) answer OK and
 * hand the committed change to `Changes`, which applies it here and sends it to the other instances.
 */
export class Ingest {
  private readonly commits: GroupCommit<Ticket | null>;
  /** Newest time admitted here per device, so history times are unique per device (with the fleet's lastSeen). */
  private readonly clock = new Map<string, number>();
  /** Newest observation time admitted per device (late frames from offline buffers): unique per device too. */
  private readonly observedClock = new Map<string, number>();
  /** Admitted but not committed yet: devices, and parameter names new to a device or to the catalogue. */
  private readonly pendingDevices = new Set<string>();
  private readonly pendingNames = new Set<string>();
  private readonly pendingParams = new Map<string, Set<string>>();
  private draining = false;

  constructor(
    private readonly fleet: Fleet,
    private readonly changes: Changes,
    store: CommitTarget,
    private readonly limits: IngestLimits,
    private readonly instance: string,
    private readonly metrics: Metrics,
    private readonly log: Logger,
  ) {
    this.commits = new GroupCommit<Ticket | null>(
      store,
      {
        windowMs: limits.batchWindowMs,
        maxItems: limits.batchMaxFrames,
        onHandlerError: (err) => log.error({ err }, 'answering a committed batch failed'),
      },
      (result) => this.onCommitted(result),
    );
  }

  /**
   * Queues an accepted frame for commit; returns why it is refused otherwise. `owner`: a new device
   * registers to it (enrollment); `credentialed`: the socket presented a credential valid for the device.
   */
  admit(frame: ParsedFrame, sink: AnswerSink, received: number, owner?: number, credentialed = false): ErrorReasonName | null {
    if (this.draining) return 'shuttingDown';
    const { serial } = frame;
    if (frame.observedAt !== undefined && frame.observedAt < received - this.limits.observedMaxAgeSeconds * 1000)
      return 'observedTooOld';
    const device = this.fleet.get(serial);
    if (!device && !this.pendingDevices.has(serial)) {
      if (this.limits.unknownDevices === 'reject') return 'unknownDevice';
      if (this.fleet.devices.size + this.pendingDevices.size >= this.limits.maxDevices) return 'tooManyDevices';
    }
    const refusal = this.admitNames(serial, device, frame.values);
    if (refusal) return refusal;
    if (!device) this.pendingDevices.add(serial);
    const last = Math.max(this.clock.get(serial) ?? 0, device?.lastSeen ?? 0);
    const t = received > last ? received : last + 1;
    this.clock.set(serial, t);
    const item: FrameWrite = { serial, t, values: frame.values };
    if (frame.observedAt !== undefined) {
      // History at the observation time: strictly increasing per device, always before the arrival (a clock
      // ahead of the server's is taken as now).
      const o = Math.max(frame.observedAt, (this.observedClock.get(serial) ?? 0) + 1);
      if (o < t) {
        item.observed = o;
        this.observedClock.set(serial, o);
      }
    }
    if (owner !== undefined && !device) item.owner = owner;
    if (credentialed && !this.fleet.claimed.has(serial)) item.claim = true;
    this.commits.push(item, { sink, head: frame.head, received });
    return null;
  }

  /** The device's socket closed on this instance. */
  offline(serial: string): void {
    this.commits.push({ serial, offline: true }, null);
  }

  /** Commits and answers everything admitted; refuses what comes after. */
  async drain(): Promise<void> {
    this.draining = true;
    await this.commits.drain();
  }

  get pending(): number {
    return this.commits.pending;
  }

  private admitNames(
    serial: string,
    device: DeviceState | undefined,
    values: ReadonlyArray<[string, Scalar]>,
  ): ErrorReasonName | null {
    const fresh: string[] = [];
    for (const [name] of values) {
      if (device && name in device.params) continue;
      if (this.pendingParams.get(serial)?.has(name)) continue;
      fresh.push(name);
    }
    if (fresh.length === 0) return null;
    const pendingHere = this.pendingParams.get(serial)?.size ?? 0;
    if ((device?.paramCount ?? 0) + pendingHere + fresh.length > this.limits.maxParamsPerDevice) return 'tooManyParameters';
    const newNames = fresh.filter((n) => !this.fleet.parameters.has(n) && !this.pendingNames.has(n));
    if (this.fleet.parameters.size + this.pendingNames.size + newNames.length > this.limits.maxParameters) return 'catalogueFull';
    for (const n of newNames) this.pendingNames.add(n);
    let mine = this.pendingParams.get(serial);
    if (!mine) {
      mine = new Set();
      this.pendingParams.set(serial, mine);
    }
    for (const n of fresh) mine.add(n);
    return null;
  }

  private settle(item: FrameWrite): void {
    this.pendingDevices.delete(item.serial);
    const mine = this.pendingParams.get(item.serial);
    if (mine) {
      for (const [name] of item.values) {
        mine.delete(name);
        this.pendingNames.delete(name);
      }
      if (mine.size === 0) this.pendingParams.delete(item.serial);
    }
  }

  private async onCommitted({ items, tickets, error, took }: CommitResult<Ticket | null>): Promise<void> {
    this.metrics.commitFrames.observe(items.length);
    this.metrics.commitSeconds.observe(took / 1000);
    if (error) {
      this.log.error({ err: error.message, frames: items.length }, 'group commit failed; frames answered ERROR');
      const reason = ErrorReason.storageFailed;
      for (let i = 0; i < items.length; i++) {
        const item = items[i] as WriteItem;
        if (!isOffline(item)) this.settle(item);
        const ticket = tickets[i];
        if (ticket) ticket.sink.answer(formatError(ticket.head, reason));
      }
      this.metrics.errors.inc({ reason: 'storageFailed' }, tickets.filter(Boolean).length);
      return;
    }
    // A large batch is answered in slices, letting the event loop read frames in between.
    const created = new Set<string>();
    for (let start = 0; start < items.length; start += ANSWER_SLICE) {
      if (start > 0) await setImmediate();
      const now = Date.now();
      const end = Math.min(items.length, start + ANSWER_SLICE);
      const changes: DeviceChange[] = [];
      let acked = 0;
      for (let i = start; i < end; i++) {
        const item = items[i] as WriteItem;
        if (isOffline(item)) {
          changes.push({ serial: item.serial, at: now, values: null, online: false, instance: this.instance });
        } else {
          this.settle(item);
          const values = emptyParams();
          for (const [name, value] of item.values) values[name] = value;
          const change: DeviceChange = { serial: item.serial, at: item.t, values, online: true, instance: this.instance };
          if (item.claim) change.claimed = true;
          if (!this.fleet.devices.has(item.serial) && !created.has(item.serial)) {
            created.add(item.serial);
            change.createdAt = item.t;
            if (item.owner !== undefined) change.owner = item.owner;
          }
          changes.push(change);
        }
        const ticket = tickets[i];
        if (ticket) {
          ticket.sink.answer(formatAck(ticket.head));
          this.metrics.ackSeconds.observe((now - ticket.received) / 1000);
          acked++;
        }
      }
      this.metrics.acks.inc({ result: 'ok' }, acked);
      // In the same turn as the answers: a client that reads after an OK sees the value.
      this.changes.commit(changes);
    }
  }
}
