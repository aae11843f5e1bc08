import { VERSION_PARAMETER } from '../../protocol/releases.ts';
import type { CommandCenter } from '../commands/command-center.ts';
import { UNFINISHED_STATES } from '../commands/states.ts';
import { BadInputError, bounded } from '../errors.ts';
import type { ChangeBus } from '../live/bus.ts';
import type { Logger } from '../logger.ts';
import type { ReleaseInfo, ReleaseStore } from '../releases/release-store.ts';
import type { Fleet } from '../state/fleet.ts';
import { compileWhere } from '../state/query.ts';
import type { Db } from '../storage/database.ts';
import { type DeploymentRow, DeploymentStore, type NewDeploymentDevice } from './deployment-store.ts';
import { DeploymentDriver } from './driver.ts';
import { cannotTake } from './eligibility.ts';
import { CANCELABLE, DEPLOYMENT_LIMITS } from './states.ts';

export interface DeploymentSettings {
  phases?: number[] | null;
  ratePerMinute?: number | null;
  abortFailedPercent?: number | null;
  abortMinCount?: number | null;
  healthSeconds?: number | null;
  timeoutSeconds?: number | null;
}

export interface Requester {
  userId: number | null;
  username: string;
  via: string;
  address: string;
}

/** Cumulative percentages, rising, ending at 100. */
export function checkPhases(phases: readonly number[] | null | undefined): number[] {
  const p = phases && phases.length > 0 ? [...phases] : [...DEPLOYMENT_LIMITS.defaultPhases];
  if (p.length > DEPLOYMENT_LIMITS.phases) throw new BadInputError(`at most ${DEPLOYMENT_LIMITS.phases} phases`);
  p.forEach((v, i) => {
    if (!Number.isInteger(v) || v < 1 || v > 100 || (i > 0 && v <= (p[i - 1] as number)))
      throw new BadInputError('phases are rising whole percentages of the devices, e.g. 5, 25, 100');
  });
  if (p.at(-1) !== 100) throw new BadInputError('the last phase is 100 (every device)');
  return p;
}

/** The phase of the i-th of n devices (in a random order): the first whose cumulative share includes it. */
export const phaseOf = (i: number, n: number, phases: readonly number[]) =>
  Math.max(
    0,
    phases.findIndex((p) => i < Math.ceil((n * p) / 100)),
  );

/**
 * Deployments on this instance: creating them, pausing, resuming and canceling, the driver for those whose
 * lease this instance holds, and the news of any deployment's progress (from here or, through the bus,
 * from the instance driving it) for subscriptions.
 */
export class Deployments {
  readonly store: DeploymentStore;
  private readonly driver: DeploymentDriver;
  private readonly listeners = new Set<(id: number) => void>();

  constructor(
    db: Db,
    private readonly fleet: Fleet,
    private readonly commands: CommandCenter,
    releases: ReleaseStore,
    private readonly bus: ChangeBus,
    instance: string,
    alone: boolean,
    log: Logger,
    leaseMs?: number,
  ) {
    this.store = new DeploymentStore(db, leaseMs);
    const owner = { instance, alone };
    this.driver = new DeploymentDriver(this.store, fleet, commands, releases, owner, (id) => this.changed(id), log);
    bus.onDeployments((ids) => {
      for (const id of ids) this.tell(id);
    });
  }

  start(): void {
    this.driver.start();
  }

  stop(): Promise<void> {
    return this.driver.stop();
  }

  on(listener: (id: number) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private tell(id: number): void {
    for (const l of this.listeners) l(id);
  }

  /** A deployment moved on here: told to subscribers here and on the other instances. */
  private changed(id: number): void {
    this.tell(id);
    this.bus.publishDeployments([id]);
  }

  /** Creates a deployment of `release` to `serials` (already checked to be the requester's). */
  async create(release: ReleaseInfo, serials: readonly string[], s: DeploymentSettings, who: Requester): Promise<DeploymentRow> {
    const phases = checkPhases(s.phases);
    const L = DEPLOYMENT_LIMITS;
    const settings = {
      phases,
      ratePerMinute: bounded(s.ratePerMinute, L.defaultRatePerMinute, 1, L.maxRatePerMinute, 'ratePerMinute'),
      abortFailedPercent: bounded(s.abortFailedPercent, L.defaultAbortFailedPercent, 1, 100, 'abortFailedPercent'),
      abortMinCount: bounded(s.abortMinCount, L.defaultAbortMinCount, 1, L.targets, 'abortMinCount'),
      healthSeconds: bounded(s.healthSeconds, L.defaultHealthSeconds, 0, L.maxHealthSeconds, 'healthSeconds'),
      timeoutSeconds: bounded(s.timeoutSeconds, L.defaultTimeoutSeconds, 10, L.maxTimeoutSeconds, 'timeoutSeconds'),
    };
    if (serials.length === 0) throw new BadInputError('no device of yours matches');
    if (serials.length > L.targets) throw new BadInputError(`at most ${L.targets} devices per deployment`);
    if ((await this.store.unfinishedOf(who.userId)) >= L.unfinishedPerUser)
      throw new BadInputError(`at most ${L.unfinishedPerUser} unfinished deployments: cancel or wait for one`);
    const busy = await this.store.busy(serials);
    const matches = compileWhere(release.target);
    const devices: NewDeploymentDevice[] = serials.map((serial) => {
      const d = this.fleet.get(serial);
      const version = d?.params[VERSION_PARAMETER];
      const skip =
        cannotTake(d, release) ??
        (busy.has(serial)
          ? `already in deployment ${busy.get(serial)}`
          : d && !matches(d)
            ? 'does not match the release’s target'
            : d?.capabilities && !d.capabilities.commands.some((c) => c.name === 'update')
              ? 'the device has no `update` command'
              : null);
      return { serial, phase: 0, skip, fromVersion: typeof version === 'string' ? version : null };
    });
    // A random order decides who goes first, so the first phase is a fair sample of the fleet.
    const eligible = devices.filter((d) => d.skip === null);
    for (let i = eligible.length - 1; i > 0; i--) {
      const j = Math.floor(Math.random() * (i + 1));
      [eligible[i], eligible[j]] = [eligible[j] as NewDeploymentDevice, eligible[i] as NewDeploymentDevice];
    }
    eligible.forEach((d, i) => {
      d.phase = phaseOf(i, eligible.length, phases);
    });
    const job = await this.commands.store.create(
      {
        name: 'update',
        args: {
          id: release.id,
          kind: release.kind,
          name: release.name,
          version: release.version,
          sha256: release.sha256,
          signature: release.signature,
          healthSeconds: settings.healthSeconds,
        },
        userId: who.userId,
        via: who.via,
        address: who.address,
        ackTimeoutMs: 30_000,
        retries: 3,
        expiresAt: Date.now() + L.maxTimeoutSeconds * 1000 + 30 * 86_400_000,
      },
      [],
    );
    const row = await this.store.create(
      { releaseId: release.id, userId: who.userId, via: who.via, address: who.address, ...settings },
      devices,
      Number(job.id),
    );
    this.changed(row.id);
    setImmediate(() => void this.driver.tick());
    return row;
  }

  async pause(id: number): Promise<void> {
    if (!(await this.store.setState(id, ['RUNNING'], 'PAUSED')))
      throw new BadInputError('only a running deployment can be paused');
    this.changed(id);
  }

  async resume(id: number): Promise<void> {
    if (!(await this.store.setState(id, ['PAUSED'], 'RUNNING')))
      throw new BadInputError('only a paused deployment can be resumed');
    this.changed(id);
    setImmediate(() => void this.driver.tick());
  }

  /** Stops it: devices not yet installing are CANCELED (their update commands too); installing ones are seen through. */
  async cancel(id: number, who: string): Promise<void> {
    const reason = `canceled by ${who}`;
    if (!(await this.store.setState(id, ['RUNNING', 'PAUSED'], 'CANCELED', { reason })))
      throw new BadInputError('only a running or paused deployment can be canceled');
    const open = await this.store.devices({ deploymentId: id, states: [...CANCELABLE] }, 0, DEPLOYMENT_LIMITS.targets);
    for (const x of open)
      if (x.executionId !== null)
        this.commands.transitions.emit([
          await this.commands.store.move(x.executionId, UNFINISHED_STATES, 'CANCELED', { reason }),
        ]);
    await this.store.move(open.map((x) => ({ id: x.id, from: x.state, to: 'CANCELED', patch: { reason } })));
    this.changed(id);
  }
}
