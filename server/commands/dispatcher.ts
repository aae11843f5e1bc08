import { formatCommand, type ProtocolVersion } from '../../protocol/v2.ts';
import type { Changes } from '../live/changes.ts';
import type { Logger } from '../logger.ts';
import type { Fleet } from '../state/fleet.ts';
import type { Db } from '../storage/database.ts';
import type { CommandStore, ExecutionRow } from './command-store.ts';
import type { Transitions } from './transitions.ts';

/** The sockets this instance holds. */
export interface CommandSockets {
  /** The protocol of the socket this instance holds for the serial, if it holds one. */
  versionOf(serial: string): ProtocolVersion | null;
  /** Sends to that socket (v2 only). */
  sendTo(serial: string, text: string): boolean;
  boundSerials(): Iterable<string>;
}

/** Devices whose commands are read and sent together. */
const DELIVERY_BATCH = 2000;

/** How often timeouts, expiries and missed deliveries are looked for. */
const TICK_MS = 1000;
/** Sockets whose protocol one tick checks (all of them in turn, a slice per tick). */
const PROTOCOL_SWEEP_SLICE = 2000;

/**
 * Delivers commands to the v2 sockets this instance holds: when a device connects, when commands are queued
 * (here or, through the bus, elsewhere), and again after a reconnect (same cmdid: the device answers what it
 * knows). One timer drives ack timeouts with retries, expiry, and a sweep for anything a lost message missed.
 * All state is in the database, so a restart (kill -9 included) or a device moving to another instance
 * loses nothing.
 */
export class Dispatcher {
  private timer: NodeJS.Timeout | null = null;
  /** Where the protocol sweep goes on next tick. */
  private protocolCursor: Iterator<string> | null = null;
  /** Serials to deliver to in the next batch, and those in the batch being sent. */
  private readonly waiting = new Set<string>();
  private readonly sending = new Set<string>();
  private flushing = false;
  /** Per rated job: sends left in the current second (token bucket, burst of one second). */
  private readonly buckets = new Map<number, { tokens: number; at: number }>();

  constructor(
    private readonly store: CommandStore,
    private readonly sockets: CommandSockets,
    private readonly fleet: Fleet,
    private readonly db: Db,
    private readonly changes: Changes,
    private readonly transitions: Transitions,
    private readonly log: Logger,
  ) {}

  private emit(rows: ReadonlyArray<ExecutionRow | null>): void {
    this.transitions.emit(rows);
  }

  start(): void {
    this.timer = setInterval(
      () => void this.tick().catch((err: Error) => this.log.warn({ err: err.message }, 'command sweep failed')),
      TICK_MS,
    );
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /**
   * Sends the open commands of these serials whose sockets are here (others ignore the call). Serials are
   * gathered and sent in batches: a job for ten thousand devices is a few reads and writes, not one per
   * device; one batch at a time, so a command is never sent twice at once.
   */
  deliver(serials: Iterable<string>): void {
    for (const serial of serials) if (this.sockets.versionOf(serial) === 2) this.waiting.add(serial);
    if (this.waiting.size > 0 && !this.flushing) {
      this.flushing = true;
      setImmediate(() => void this.flush());
    }
  }

  /** True while this serial waits for (or is in) a delivery batch. */
  private pending(serial: string): boolean {
    return this.waiting.has(serial) || this.sending.has(serial);
  }

  private async flush(): Promise<void> {
    try {
      while (this.waiting.size > 0) {
        const batch = [...this.waiting].slice(0, DELIVERY_BATCH);
        for (const s of batch) {
          this.waiting.delete(s);
          this.sending.add(s);
        }
        try {
          await this.deliverBatch(batch);
        } catch (err) {
          this.log.warn(
            { err: (err as Error).message, devices: batch.length },
            'delivering commands failed; the sweep tries again',
          );
        } finally {
          for (const s of batch) this.sending.delete(s);
        }
      }
    } finally {
      this.flushing = false;
    }
  }

  private async deliverBatch(serials: string[]): Promise<void> {
    const fresh: Array<ExecutionRow & { name: string; args: unknown }> = [];
    const resent: number[] = [];
    for (const e of await this.store.openFor(serials)) {
      if (this.sockets.versionOf(e.serial) !== 2) continue;
      if (e.state === 'QUEUED') {
        // A job with a rate waits its turn (it stays QUEUED; the next sweep tries again).
        if (e.ratePerSecond === null || this.takeToken(e.jobId, e.ratePerSecond)) fresh.push(e);
      } else if (e.state === 'SENT' || e.state === 'DELIVERED') {
        // Sent before a reconnect: sent again, same cmdid (the device answers what it knows).
        if (this.sockets.sendTo(e.serial, formatCommand(String(e.id), e.serial, e.name, e.args)) && e.state === 'SENT')
          resent.push(e.id);
      }
    }
    // SENT is stored before the bytes go out: a device's report can never arrive before it.
    this.emit(await this.store.markSent(fresh));
    for (const e of fresh) this.sockets.sendTo(e.serial, formatCommand(String(e.id), e.serial, e.name, e.args));
    await this.store.resent(resent);
  }

  private takeToken(jobId: number, rate: number): boolean {
    const now = performance.now();
    const bucket = this.buckets.get(jobId) ?? { tokens: rate, at: now };
    bucket.tokens = Math.min(rate, bucket.tokens + ((now - bucket.at) * rate) / 1000);
    bucket.at = now;
    this.buckets.set(jobId, bucket);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  private async tick(): Promise<void> {
    if (this.buckets.size > 10_000) this.buckets.clear();
    const now = Date.now();
    this.emit(await this.store.expire(now));
    for (const e of await this.store.overdue(now)) {
      if (this.sockets.versionOf(e.serial) !== 2) continue; // the instance holding its socket (if any) retries
      const timedOut = await this.store.move(e.id, ['SENT'], 'TIMED_OUT', { reason: 'no "received" within the ack timeout' });
      this.emit([timedOut]);
      if (!timedOut) continue;
      if (e.attempts <= e.retries) {
        this.emit([await this.store.move(e.id, ['TIMED_OUT'], 'QUEUED', {}, `retry ${e.attempts} of ${e.retries}`)]);
        this.deliver([e.serial]);
      } else {
        this.emit([await this.store.move(e.id, ['TIMED_OUT'], 'FAILED', { error: `no answer after ${e.attempts} attempts` })]);
      }
    }
    await this.syncProtocols();
    // Whatever a lost bus message or a failed send left queued for a device whose socket is here.
    const queued = await this.db.commandExecution.findMany({
      where: { state: 'QUEUED' },
      select: { serial: true },
      distinct: ['serial'],
      take: 1000,
    });
    this.deliver(queued.map((q) => q.serial).filter((s) => !this.pending(s)));
  }

  /** Records which protocol each device held here speaks (commands skip v1 devices). */
  private async syncProtocols(): Promise<void> {
    // A slice per tick, checked without awaiting: with 100,000 sockets here a whole sweep each second held
    // the event loop (and the device acks) for tens of milliseconds. Map iterators are live: the cursor
    // goes on over sockets bound or closed meanwhile, and starts again at the end.
    const changed: string[] = [];
    for (let n = 0; n < PROTOCOL_SWEEP_SLICE; n++) {
      this.protocolCursor ??= this.sockets.boundSerials()[Symbol.iterator]();
      const next = this.protocolCursor.next();
      if (next.done) {
        this.protocolCursor = null;
        break;
      }
      if (this.newProtocol(next.value) !== null) changed.push(next.value);
    }
    for (const serial of changed) await this.noteProtocol(serial);
  }

  /** The protocol of the device's socket here when the fleet says another, else null. */
  private newProtocol(serial: string): ProtocolVersion | null {
    const version = this.sockets.versionOf(serial);
    const device = this.fleet.get(serial);
    return device && version !== null && (device.protocol ?? 1) !== version ? version : null;
  }

  /** Records the protocol of the device's socket here, when it changed (at connect, and each sweep). */
  async noteProtocol(serial: string): Promise<void> {
    const version = this.newProtocol(serial);
    const device = this.fleet.get(serial);
    if (version === null || !device) return;
    device.protocol = version; // at once here: a command sent meanwhile is not skipped
    await this.db.device.update({ where: { serial }, data: { protocol: version } });
    this.changes.commitFor(serial, { protocol: version });
    if (version === 2) this.deliver([serial]);
  }
}
