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

/** How often timeouts, expiries and missed deliveries are looked for. */
const TICK_MS = 1000;

/**
 * Delivers commands to the v2 sockets this instance holds: when a device connects, when commands are queued
 * (here or, through the bus, elsewhere), and again after a reconnect (same cmdid: the device answers what it
 * knows). One timer drives ack timeouts with retries, expiry, and a sweep for anything a lost message missed.
 * All state is in the database, so a restart (kill -9 included) or a device moving to another instance
 * loses nothing.
 */
export class Dispatcher {
  private timer: NodeJS.Timeout | null = null;
  /** Deliveries in progress per serial: one at a time, so a command is never sent twice at once. */
  private readonly busy = new Map<string, Promise<void>>();
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

  /** Sends the open commands of these serials whose sockets are here (others ignore the call). */
  deliver(serials: Iterable<string>): void {
    for (const serial of serials) {
      if (this.sockets.versionOf(serial) !== 2) continue;
      const previous = this.busy.get(serial) ?? Promise.resolve();
      const next = previous
        .then(() => this.deliverOne(serial))
        .catch((err: Error) => this.log.warn({ err: err.message, serial }, 'delivering commands failed; retried'))
        .finally(() => {
          if (this.busy.get(serial) === next) this.busy.delete(serial);
        });
      this.busy.set(serial, next);
    }
  }

  private async deliverOne(serial: string): Promise<void> {
    for (const e of await this.store.open(serial)) {
      // A job with a rate waits its turn (it stays QUEUED; the next sweep tries again).
      if (e.state === 'QUEUED' && e.ratePerSecond !== null && !this.takeToken(e.jobId, e.ratePerSecond)) continue;
      if (!this.sockets.sendTo(serial, formatCommand(String(e.id), serial, e.name, e.args))) return;
      if (e.state === 'QUEUED') {
        this.emit([await this.store.move(e.id, ['QUEUED'], 'SENT', { attempts: e.attempts + 1, sentAt: new Date() })]);
      } else if (e.state === 'SENT') {
        // Sent before a reconnect: sent again, same cmdid; its ack timeout starts over.
        await this.db.commandExecution.updateMany({ where: { id: e.id, state: 'SENT' }, data: { sentAt: new Date() } });
      }
    }
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
    this.deliver(queued.map((q) => q.serial).filter((s) => !this.busy.has(s)));
  }

  /** Records which protocol each device held here speaks (commands skip v1 devices). */
  private async syncProtocols(): Promise<void> {
    for (const serial of this.sockets.boundSerials()) await this.noteProtocol(serial);
  }

  /** Records the protocol of the device's socket here, when it changed (at connect, and each sweep). */
  async noteProtocol(serial: string): Promise<void> {
    const version = this.sockets.versionOf(serial);
    const device = this.fleet.get(serial);
    if (!device || version === null || (device.protocol ?? 1) === version) return;
    device.protocol = version; // at once here: a command sent meanwhile is not skipped
    await this.db.device.update({ where: { serial }, data: { protocol: version } });
    this.changes.commit([
      { serial, at: Date.now(), values: null, online: device.online, instance: device.instance, protocol: version },
    ]);
    if (version === 2) this.deliver([serial]);
  }
}
