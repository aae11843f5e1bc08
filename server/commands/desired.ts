import { SET_COMMAND } from '../../protocol/v2.ts';
import type { Scalar } from '../../protocol/values.ts';
import type { Changes } from '../live/changes.ts';
import type { Logger } from '../logger.ts';
import type { DesiredEntry, DeviceChange, Fleet } from '../state/fleet.ts';
import type { Db } from '../storage/database.ts';
import type { CommandCenter } from './command-center.ts';
import type { JobRow, NewJob } from './command-store.ts';
import { UNFINISHED_STATES } from './states.ts';

/**
 * Desired values: recorded per device and parameter, delivered as a `set` command (now, or when the device
 * connects), and cleared by themselves when the device reports the same value. A newer desired value
 * supersedes an older pending one (its open `set` command is canceled; the new one carries every pending value).
 */
export class Desired {
  constructor(
    private readonly db: Db,
    private readonly fleet: Fleet,
    private readonly changes: Changes,
    private readonly commands: CommandCenter,
    private readonly log: Logger,
  ) {
    changes.onCommitted((committed) => this.reported(committed));
  }

  async set(serial: string, values: Record<string, Scalar>, job: Omit<NewJob, 'name' | 'args'>): Promise<JobRow | null> {
    const device = this.fleet.get(serial);
    if (!device) throw new Error(`no device ${serial}`);
    const setAt = Date.now();
    const set: Record<string, DesiredEntry> = Object.create(null);
    await this.db.$transaction(
      Object.entries(values).map(([name, value]) => {
        set[name] = { value, setAt, userId: job.userId };
        const row = { value: JSON.stringify(value), userId: job.userId, setAt: new Date(setAt) };
        return this.db.desiredValue.upsert({
          where: { serial_name: { serial, name } },
          create: { serial, name, ...row },
          update: row,
        });
      }),
    );
    this.changes.commitFor(serial, { at: setAt, desired: { set } });
    // The open `set` commands of this device are superseded: one new command carries every pending value.
    const open = await this.db.commandExecution.findMany({
      where: { serial, state: { in: [...UNFINISHED_STATES] }, job: { name: SET_COMMAND } },
      select: { id: true },
    });
    for (const { id } of open)
      this.commands.transitions.emit([
        await this.commands.store.move(id, [...UNFINISHED_STATES], 'CANCELED', {
          reason: 'superseded by newer desired values',
        }),
      ]);
    const pending: Record<string, Scalar> = {};
    for (const [name, entry] of Object.entries(device.desired ?? {})) pending[name] = entry.value;
    if (device.protocol !== 2) return null; // delivered once it connects with protocol v2 (setDesired again then)
    const created = await this.commands.store.create({ ...job, name: SET_COMMAND, args: { values: pending } }, [
      { serial, skip: null },
    ]);
    this.commands.queued([serial]);
    return created;
  }

  /** Frames this instance committed: desired values the device now reports are cleared. */
  private reported(committed: readonly DeviceChange[]): void {
    for (const change of committed) {
      if (!change.values) continue;
      const desired = this.fleet.get(change.serial)?.desired;
      if (!desired) continue;
      const met = Object.keys(change.values).filter((n) => n in desired && desired[n]?.value === change.values?.[n]);
      if (met.length > 0) void this.clear(change.serial, met);
    }
  }

  private async clear(serial: string, names: string[]): Promise<void> {
    try {
      await this.db.desiredValue.deleteMany({ where: { serial, name: { in: names } } });
      const device = this.fleet.get(serial);
      if (!device) return;
      this.changes.commitFor(serial, { desired: { cleared: names } });
    } catch (err) {
      this.log.warn({ err: (err as Error).message, serial }, 'could not clear desired values the device reported');
    }
  }
}
