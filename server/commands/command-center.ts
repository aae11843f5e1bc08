import type { ChangeBus } from '../live/bus.ts';
import type { Changes } from '../live/changes.ts';
import type { Logger } from '../logger.ts';
import type { Fleet } from '../state/fleet.ts';
import type { Db } from '../storage/database.ts';
import { CommandStore, type ExecutionRow } from './command-store.ts';
import { Desired } from './desired.ts';
import { type CommandSockets, Dispatcher } from './dispatcher.ts';
import { ResultBatch } from './result-batch.ts';
import { Transitions } from './transitions.ts';

/**
 * Commands on this instance: the store (the database), the transitions (for subscriptions) and, once the
 * device sockets exist, the dispatcher that sends to the ones held here. Queued commands are announced to
 * the other instances, so the one holding a device's socket sends them at once.
 */
export class CommandCenter {
  readonly store: CommandStore;
  readonly transitions = new Transitions();
  /** Devices' reports on commands, stored in batches. */
  readonly results: ResultBatch;
  readonly desired: Desired;
  private dispatcher: Dispatcher | null = null;

  constructor(
    private readonly db: Db,
    private readonly fleet: Fleet,
    private readonly changes: Changes,
    private readonly bus: ChangeBus,
    private readonly log: Logger,
  ) {
    this.store = new CommandStore(db);
    this.results = new ResultBatch(db);
    this.transitions.connect((rows) => bus.publishExecutions(rows));
    bus.onExecutions((rows) => this.transitions.received(rows as ExecutionRow[]));
    this.desired = new Desired(db, fleet, changes, this, log);
  }

  /** Starts sending to the device sockets of this instance. */
  attach(sockets: CommandSockets): void {
    this.dispatcher = new Dispatcher(this.store, sockets, this.fleet, this.db, this.changes, this.transitions, this.log);
    this.bus.onCommands((serials) => this.dispatcher?.deliver(serials));
    this.dispatcher.start();
  }

  /** A socket here now speaks for this serial. */
  bound = (serial: string): void => {
    this.dispatcher?.deliver([serial]);
    // A new device is not in the fleet until its first frame is committed; the sweep records it then.
    void this.dispatcher
      ?.noteProtocol(serial)
      .catch((err: Error) => this.log.warn({ err: err.message, serial }, 'recording the protocol failed'));
  };

  /** New commands were queued for these serials: sent here if their socket is here, else by their instance. */
  queued(serials: string[]): void {
    this.dispatcher?.deliver(serials);
    for (let i = 0; i < serials.length; i += 5000) this.bus.publishCommands(serials.slice(i, i + 5000));
  }

  stop(): void {
    this.dispatcher?.stop();
  }
}
