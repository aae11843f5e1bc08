import { ROLLBACK_PARAMETER, rollbackMark, type UpdateStage, VERSION_PARAMETER } from '../../protocol/releases.ts';
import type { CommandStore, ExecutionRow } from '../commands/command-store.ts';
import { UNFINISHED_STATES } from '../commands/states.ts';
import type { Logger } from '../logger.ts';
import type { ReleaseInfo, ReleaseStore } from '../releases/release-store.ts';
import type { DeviceState, Fleet } from '../state/fleet.ts';
import type { DeploymentDeviceRow, DeploymentRow, DeploymentStore, DeviceMove } from './deployment-store.ts';
import { cannotTake } from './eligibility.ts';
import { DEPLOYMENT_LIMITS, DEVICE_STATES, type DeviceUpdateState, IN_FLIGHT, STAGES } from './states.ts';

const order = (s: DeviceUpdateState) => DEVICE_STATES.indexOf(s);
/** Devices started per tick at most (the rate limit may allow fewer). */
const START_BATCH = 2000;

/**
 * Drives the deployments this instance holds the lease of, once a tick: reads what the devices reported
 * (the `update` commands' executions, their values and presence), moves each device on, starts the next
 * devices within the phase and the rate limit, aborts at the threshold and advances phases. Everything it
 * knows is in the database, so a restart (kill -9 included) or another instance continues where it stopped.
 */
export class DeploymentDriver {
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  constructor(
    private readonly store: DeploymentStore,
    private readonly fleet: Fleet,
    private readonly commands: { store: CommandStore; queued(serials: string[]): void },
    private readonly releases: ReleaseStore,
    /** This instance, and whether it is the only one on the database (then no other lease is alive). */
    private readonly owner: { instance: string; alone: boolean },
    private readonly changed: (id: number) => void,
    private readonly log: Logger,
  ) {}

  /**
   * The stages a device passed on the way to `move.to` without a tick seeing them (its reports came between
   * two ticks, or were coalesced into a later one): each stage follows the one before.
   */
  private withStages(x: DeploymentDeviceRow, move: DeviceMove): DeviceMove {
    if (order(move.to) > order('HEALTHY')) return move;
    const via = Object.values(STAGES).filter((st) => order(st) > order(x.state) && order(st) < order(move.to));
    return via.length > 0 ? { ...move, via } : move;
  }

  start(): void {
    this.timer = setInterval(() => void this.tick(), DEPLOYMENT_LIMITS.tickMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.store.releaseLeases(this.owner.instance).catch(() => {});
  }

  /** One pass over this instance's deployments (never two at once). */
  async tick(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      for (const id of await this.store.claim(this.owner.instance, Date.now(), this.owner.alone)) {
        try {
          if (await this.drive(id)) this.changed(id);
        } catch (err) {
          this.log.warn(
            { err: (err as Error).message, deployment: id },
            'driving a deployment failed; the next tick tries again',
          );
        }
      }
    } catch (err) {
      this.log.warn({ err: (err as Error).message }, 'deployment sweep failed');
    } finally {
      this.running = false;
    }
  }

  /** Resolves true when anything changed. */
  private async drive(id: number): Promise<boolean> {
    const d = await this.store.get(id);
    if (!d || d.finishedAt !== null) return false;
    const release = d.releaseId === null ? null : await this.releases.byId(d.releaseId);
    const now = Date.now();
    let changed = (await this.watch(d, release, now)) > 0;
    const counts = await this.store.counts(id);
    const failed = counts.FAILED + counts.ROLLED_BACK;
    const done = failed + counts.HEALTHY;
    if (
      (d.state === 'RUNNING' || d.state === 'PAUSED') &&
      failed >= d.abortMinCount &&
      failed * 100 >= d.abortFailedPercent * done
    ) {
      const reason = `${failed} of ${done} finished devices failed or rolled back (≥ ${d.abortFailedPercent} % after at least ${d.abortMinCount})`;
      await this.store.setState(id, ['RUNNING', 'PAUSED'], 'ABORTED', { reason });
      await this.cancelQueued(id, `deployment aborted: ${reason}`);
      this.log.warn({ deployment: id, reason }, 'deployment aborted');
      return true;
    }
    if (!release && d.state === 'RUNNING') {
      await this.store.setState(id, ['RUNNING'], 'ABORTED', { reason: 'its release was deleted' });
      await this.cancelQueued(id, 'the release was deleted');
      return true;
    }
    if (d.state === 'RUNNING' && release) changed = (await this.advance(d, release, now)) || changed;
    else if (d.state !== 'PAUSED' && (await this.store.notFinal(id)) === 0) {
      await this.store.patch(id, { finishedAt: new Date(now) });
      changed = true;
    }
    return changed;
  }

  /** QUEUED devices become CANCELED (an abort: what is in flight is seen through). */
  async cancelQueued(id: number, reason: string): Promise<void> {
    const queued = await this.store.devices({ deploymentId: id, states: ['QUEUED'] }, 0, DEPLOYMENT_LIMITS.targets);
    await this.store.move(queued.map((q) => ({ id: q.id, from: 'QUEUED', to: 'CANCELED', patch: { reason } })));
  }

  /** Moves each started device on from what it reported; resolves with how many moved. */
  private async watch(d: DeploymentRow, release: ReleaseInfo | null, now: number): Promise<number> {
    const devices = await this.store.devices({ deploymentId: d.id, states: [...IN_FLIGHT] }, 0, DEPLOYMENT_LIMITS.targets);
    if (devices.length === 0) return 0;
    const ids = devices.map((x) => x.executionId).filter((x): x is number => x !== null);
    const executions = new Map((await this.commands.store.byIds(ids)).map((e) => [e.id, e]));
    const moves: DeviceMove[] = [];
    const stale: number[] = [];
    for (const x of devices) {
      const exec = x.executionId === null ? undefined : executions.get(x.executionId);
      const move = this.next(d, release, x, exec, this.fleet.get(x.serial), now);
      if (move) moves.push(this.withStages(x, move));
      if (move?.to === 'FAILED' && exec && UNFINISHED_STATES.includes(exec.state)) stale.push(exec.id);
    }
    // A device that timed out is not sent its update any more.
    for (const e of stale)
      await this.commands.store.move(e, UNFINISHED_STATES, 'CANCELED', { reason: 'the deployment gave up on this device' });
    return this.store.move(moves, now);
  }

  /** Where one device goes next, or null when it stays. */
  private next(
    d: DeploymentRow,
    release: ReleaseInfo | null,
    x: DeploymentDeviceRow,
    exec: ExecutionRow | undefined,
    device: DeviceState | undefined,
    now: number,
  ): DeviceMove | null {
    const to = (state: DeviceUpdateState, patch?: DeviceMove['patch'], detail?: string): DeviceMove => ({
      id: x.id,
      from: x.state,
      to: state,
      patch,
      detail,
    });
    if (!exec || !release || !device)
      return to('FAILED', { reason: !device ? 'the device left the fleet' : 'its update command is gone' });
    if (x.startedAt !== null && now - x.startedAt > d.timeoutSeconds * 1000)
      return to('FAILED', { reason: `not HEALTHY within ${d.timeoutSeconds} s (it was ${x.state})` });
    if (['FAILED', 'REJECTED', 'EXPIRED'].includes(exec.state))
      return to('FAILED', { reason: exec.error ?? exec.reason ?? `the update ${exec.state.toLowerCase()}` });
    if (exec.state === 'CANCELED') return to('CANCELED', { reason: exec.reason });
    if (exec.state === 'SKIPPED') return to('SKIPPED', { reason: exec.reason });
    if (order(x.state) < order('RESTARTING')) {
      if (exec.state === 'SUCCEEDED') {
        if (release.kind === 'script') {
          const code = (exec.result as { exitCode?: unknown } | null)?.exitCode;
          return code === 0
            ? to('HEALTHY', { percent: 100 }, 'the script ran')
            : to('FAILED', { reason: `the script exited with ${String(code)}` });
        }
        return to('RESTARTING', { percent: 100 });
      }
      const stage = (exec.result as { stage?: unknown } | null)?.stage;
      const staged = typeof stage === 'string' ? STAGES[stage as UpdateStage] : undefined;
      if (staged && order(staged) > order(x.state)) return to(staged, { percent: exec.percent });
      if (exec.percent !== null && exec.percent !== x.percent) return to(x.state, { percent: exec.percent });
      return null;
    }
    // Installed: the health rule decides (reconnected, reporting the version, sending for healthSeconds).
    if (device.params[ROLLBACK_PARAMETER] === rollbackMark(release.version, x.executionId ?? 0))
      return to('ROLLED_BACK', {
        reason: `the device switched back to ${String(device.params[VERSION_PARAMETER] ?? 'its previous version')}`,
      });
    const onIt = device.online && device.params[VERSION_PARAMETER] === release.version;
    if (x.state === 'RESTARTING')
      return onIt ? to('UPDATED', { healthSince: new Date(now) }, `reports ${release.version}`) : null;
    if (!onIt)
      return x.healthSince === null ? null : to('UPDATED', { healthSince: null }, 'went offline: the health clock starts again');
    if (x.healthSince === null) return to('UPDATED', { healthSince: new Date(now) });
    const due = x.healthSince + d.healthSeconds * 1000;
    if (now >= due && (device.lastSeen ?? 0) >= due) return to('HEALTHY', {}, `online and sending for ${d.healthSeconds} s`);
    return null;
  }

  /** Advances phases and starts the next devices; resolves true when anything changed. */
  private async advance(d: DeploymentRow, release: ReleaseInfo, now: number): Promise<boolean> {
    let phase = d.phase;
    let changed = false;
    while ((await this.store.unfinishedUpTo(d.id, phase)) === 0) {
      if (phase >= d.phases.length - 1) {
        await this.store.setState(d.id, ['RUNNING'], 'COMPLETED', { finishedAt: new Date(now) });
        return true;
      }
      phase++;
      await this.store.patch(d.id, { phase });
      changed = true;
    }
    const room = Math.min(START_BATCH, d.ratePerMinute - (await this.store.startedSince(d.id, now - 60_000)));
    if (room <= 0 || d.jobId === null) return changed;
    const queued = await this.store.devices({ deploymentId: d.id, states: ['QUEUED'], maxPhase: phase }, 0, room);
    if (queued.length === 0) return changed;
    const moves: DeviceMove[] = [];
    const go: DeploymentDeviceRow[] = [];
    for (const q of queued) {
      const skip = cannotTake(this.fleet.get(q.serial), release);
      if (skip) moves.push({ id: q.id, from: 'QUEUED', to: 'SKIPPED', patch: { reason: skip } });
      else go.push(q);
    }
    const made = await this.commands.store.addTargets(
      d.jobId,
      go.map((g) => ({ serial: g.serial, skip: null })),
    );
    const bySerial = new Map(made.map((m) => [m.serial, m.id]));
    for (const g of go)
      moves.push({
        id: g.id,
        from: 'QUEUED',
        to: 'NOTIFIED',
        patch: { executionId: bySerial.get(g.serial) as number, startedAt: new Date(now) },
      });
    await this.store.move(moves, now);
    this.commands.queued(go.map((g) => g.serial));
    return true;
  }
}
