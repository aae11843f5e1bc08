import { setImmediate } from 'node:timers/promises';
import type { Db } from '../storage/database.ts';
import {
  DEPLOYMENT_LIMITS,
  DEVICE_STATES,
  type DeploymentState,
  type DeviceUpdateState,
  FINAL_DEVICE_STATES,
  IN_FLIGHT,
} from './states.ts';

export interface DeploymentRow {
  id: number;
  /** Null once the release was deleted. */
  releaseId: number | null;
  userId: number | null;
  via: string;
  address: string;
  state: DeploymentState;
  reason: string | null;
  phases: number[];
  phase: number;
  ratePerMinute: number;
  abortFailedPercent: number;
  abortMinCount: number;
  healthSeconds: number;
  timeoutSeconds: number;
  jobId: number | null;
  createdAt: number;
  updatedAt: number;
  finishedAt: number | null;
}

export interface DeploymentDeviceRow {
  id: number;
  deploymentId: number;
  serial: string;
  phase: number;
  state: DeviceUpdateState;
  reason: string | null;
  percent: number | null;
  fromVersion: string | null;
  executionId: number | null;
  startedAt: number | null;
  healthSince: number | null;
  updatedAt: number;
}

export interface NewDeployment {
  releaseId: number;
  userId: number | null;
  via: string;
  address: string;
  phases: number[];
  ratePerMinute: number;
  abortFailedPercent: number;
  abortMinCount: number;
  healthSeconds: number;
  timeoutSeconds: number;
}

export interface NewDeploymentDevice {
  serial: string;
  phase: number;
  /** A reason to skip it (already on the version, not matching, v1…), or null to update it. */
  skip: string | null;
  fromVersion: string | null;
}

/** A change of one device's state, made only if it is still in `from` (someone else may have moved it). */
export interface DeviceMove {
  id: number;
  from: DeviceUpdateState;
  to: DeviceUpdateState;
  detail?: string | null;
  /** States it passed on the way (reported between two ticks): recorded as events before `to`. */
  via?: DeviceUpdateState[];
  patch?: Partial<{
    reason: string | null;
    percent: number | null;
    healthSince: Date | null;
    executionId: number;
    startedAt: Date;
  }>;
}

type DbDeployment = Omit<DeploymentRow, 'state' | 'phases' | 'createdAt' | 'updatedAt' | 'finishedAt'> & {
  state: string;
  phases: string;
  createdAt: Date;
  updatedAt: Date;
  finishedAt: Date | null;
};

const deploymentRow = (d: DbDeployment & Record<string, unknown>): DeploymentRow => ({
  id: d.id,
  releaseId: d.releaseId,
  userId: d.userId,
  via: d.via,
  address: d.address,
  state: d.state as DeploymentState,
  reason: d.reason,
  phases: JSON.parse(d.phases) as number[],
  phase: d.phase,
  ratePerMinute: d.ratePerMinute,
  abortFailedPercent: d.abortFailedPercent,
  abortMinCount: d.abortMinCount,
  healthSeconds: d.healthSeconds,
  timeoutSeconds: d.timeoutSeconds,
  jobId: d.jobId,
  createdAt: d.createdAt.getTime(),
  updatedAt: d.updatedAt.getTime(),
  finishedAt: d.finishedAt?.getTime() ?? null,
});

export const deviceRow = (d: {
  id: number;
  deploymentId: number;
  serial: string;
  phase: number;
  state: string;
  reason: string | null;
  percent: number | null;
  fromVersion: string | null;
  executionId: number | null;
  startedAt: Date | null;
  healthSince: Date | null;
  updatedAt: Date;
}): DeploymentDeviceRow => ({
  ...d,
  state: d.state as DeviceUpdateState,
  startedAt: d.startedAt?.getTime() ?? null,
  healthSince: d.healthSince?.getTime() ?? null,
  updatedAt: d.updatedAt.getTime(),
});

/** The detail of a stage a device passed between two looks at it. */
const PASSED = 'reported together with a later stage';

/** Rows per multi-row INSERT and ids per IN list, within SQLite's bound on parameters. */
const ROWS = 100;
const IN_LIST = 900;

/** Deployments and their devices in the database; every device transition is a conditional update plus its event. */
export class DeploymentStore {
  constructor(
    private readonly db: Db,
    /** How long a claimed deployment stays ours unrenewed (LEASE_SECONDS). */
    private readonly leaseMs: number = DEPLOYMENT_LIMITS.leaseMs,
  ) {}

  async create(d: NewDeployment, devices: readonly NewDeploymentDevice[], jobId: number): Promise<DeploymentRow> {
    const now = new Date();
    const row = await this.db.deployment.create({
      data: { ...d, phases: JSON.stringify(d.phases), state: 'RUNNING', jobId, createdAt: now, updatedAt: now },
    });
    for (let i = 0; i < devices.length; i += ROWS) {
      if (i > 0) await setImmediate();
      const made = await this.db.deploymentDevice.createManyAndReturn({
        data: devices.slice(i, i + ROWS).map((t) => ({
          deploymentId: row.id,
          serial: t.serial,
          phase: t.phase,
          state: t.skip ? 'SKIPPED' : 'QUEUED',
          reason: t.skip,
          fromVersion: t.fromVersion,
          updatedAt: now,
        })),
        select: { id: true, state: true, reason: true },
      });
      await this.db.deploymentEvent.createMany({
        data: made.map((m) => ({ deviceId: m.id, state: m.state, at: now, detail: m.reason })),
      });
    }
    return deploymentRow(row);
  }

  async get(id: number): Promise<DeploymentRow | null> {
    const d = await this.db.deployment.findUnique({ where: { id } });
    return d ? deploymentRow(d) : null;
  }

  async list(userId: number | null, offset: number, limit: number): Promise<DeploymentRow[]> {
    const rows = await this.db.deployment.findMany({
      where: userId === null ? {} : { userId },
      orderBy: { id: 'desc' },
      skip: offset,
      take: limit,
    });
    return rows.map(deploymentRow);
  }

  /** An unfinished deployment of this release, if any (a release is not deleted from under it). */
  async unfinishedWith(releaseId: number): Promise<number | null> {
    const d = await this.db.deployment.findFirst({ where: { releaseId, finishedAt: null }, select: { id: true } });
    return d?.id ?? null;
  }

  async unfinishedOf(userId: number | null): Promise<number> {
    return this.db.deployment.count({ where: { userId, finishedAt: null } });
  }

  /** Serials that are in flight (or queued) in an unfinished deployment: a device takes one update at a time. */
  async busy(serials: readonly string[]): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    for (let i = 0; i < serials.length; i += IN_LIST) {
      const rows = await this.db.deploymentDevice.findMany({
        where: {
          serial: { in: serials.slice(i, i + IN_LIST) },
          state: { in: ['QUEUED', ...IN_FLIGHT] },
          deployment: { finishedAt: null },
        },
        select: { serial: true, deploymentId: true },
      });
      for (const r of rows) out.set(r.serial, r.deploymentId);
    }
    return out;
  }

  async counts(id: number): Promise<Record<DeviceUpdateState, number>> {
    const groups = await this.db.deploymentDevice.groupBy({
      by: ['state'],
      where: { deploymentId: id },
      _count: { _all: true },
    });
    const out = Object.fromEntries(DEVICE_STATES.map((s) => [s, 0])) as Record<DeviceUpdateState, number>;
    for (const g of groups) out[g.state as DeviceUpdateState] = g._count._all;
    return out;
  }

  async devices(
    where: { deploymentId?: number; serial?: string; states?: DeviceUpdateState[]; maxPhase?: number },
    offset: number,
    limit: number,
  ): Promise<DeploymentDeviceRow[]> {
    const rows = await this.db.deploymentDevice.findMany({
      where: {
        ...(where.deploymentId !== undefined ? { deploymentId: where.deploymentId } : {}),
        ...(where.serial !== undefined ? { serial: where.serial } : {}),
        ...(where.states ? { state: { in: where.states } } : {}),
        ...(where.maxPhase !== undefined ? { phase: { lte: where.maxPhase } } : {}),
      },
      orderBy: { id: where.deploymentId !== undefined ? 'asc' : 'desc' },
      skip: offset,
      take: limit,
    });
    return rows.map(deviceRow);
  }

  /** Devices of a deployment up to a phase that are not final yet. */
  async unfinishedUpTo(id: number, phase: number): Promise<number> {
    return this.db.deploymentDevice.count({
      where: { deploymentId: id, phase: { lte: phase }, state: { notIn: [...FINAL_DEVICE_STATES] } },
    });
  }

  /** Devices of a deployment not yet final (queued or in flight). */
  async notFinal(id: number): Promise<number> {
    return this.db.deploymentDevice.count({ where: { deploymentId: id, state: { in: ['QUEUED', ...IN_FLIGHT] } } });
  }

  /** Devices started within the last minute (the rate limit counts these, so it holds across restarts). */
  async startedSince(id: number, since: number): Promise<number> {
    return this.db.deploymentDevice.count({ where: { deploymentId: id, startedAt: { gte: new Date(since) } } });
  }

  async events(deviceId: number): Promise<Array<{ state: DeviceUpdateState; at: number; detail: string | null }>> {
    const rows = await this.db.deploymentEvent.findMany({ where: { deviceId }, orderBy: { id: 'asc' } });
    return rows.map((r) => ({ state: r.state as DeviceUpdateState, at: r.at.getTime(), detail: r.detail }));
  }

  /**
   * Applies moves (each only if the device is still where it was), at the driver's time, so a transition's
   * event and the health clock agree on when it happened; resolves with how many moved. Moves that differ
   * only in the device are one statement (a phase of a thousand devices moving on together is a few
   * statements, not a thousand).
   */
  async move(moves: readonly DeviceMove[], at = Date.now()): Promise<number> {
    const now = new Date(at);
    const groups = new Map<string, DeviceMove[]>();
    for (const m of moves) {
      const key = `${m.from}|${m.to}|${JSON.stringify(m.patch ?? {})}`;
      groups.set(key, [...(groups.get(key) ?? []), m]);
    }
    let moved = 0;
    for (const group of groups.values()) {
      const { from, to, patch } = group[0] as DeviceMove;
      for (let i = 0; i < group.length; i += IN_LIST) {
        const chunk = group.slice(i, i + IN_LIST);
        // Only those still where they were (a cancel on another instance may have moved one) get events.
        const done = await this.db.deploymentDevice.updateManyAndReturn({
          where: { id: { in: chunk.map((m) => m.id) }, state: from },
          data: { state: to, updatedAt: now, ...(patch ?? {}) },
          select: { id: true },
        });
        moved += done.length;
        if (from === to) continue;
        const ids = new Set(done.map((d) => d.id));
        const events = chunk
          .filter((m) => ids.has(m.id))
          .flatMap((m) => [
            ...(m.via ?? []).map((state) => ({ deviceId: m.id, state, at: now, detail: PASSED })),
            { deviceId: m.id, state: to, at: now, detail: m.detail ?? patch?.reason ?? null },
          ]);
        for (let k = 0; k < events.length; k += ROWS)
          await this.db.deploymentEvent.createMany({ data: events.slice(k, k + ROWS) });
      }
      await setImmediate();
    }
    return moved;
  }

  /** Changes the deployment's own state (only from one of `from`); false when it was elsewhere. */
  async setState(
    id: number,
    from: readonly DeploymentState[],
    to: DeploymentState,
    patch: Partial<{ reason: string | null; phase: number; finishedAt: Date | null }> = {},
  ): Promise<boolean> {
    const { count } = await this.db.deployment.updateMany({
      where: { id, state: { in: [...from] } },
      data: { state: to, updatedAt: new Date(), ...patch },
    });
    return count === 1;
  }

  async patch(id: number, data: Partial<{ phase: number; finishedAt: Date }>): Promise<void> {
    await this.db.deployment.update({ where: { id }, data: { ...data, updatedAt: new Date() } });
  }

  /**
   * Unfinished deployments whose lease this instance holds or takes now (free, expired, or already its own):
   * each deployment is driven by one instance at a time, and a dead instance's are taken over once its
   * lease passes. `alone` (the only instance on this database): every lease is its own, so a process
   * restarted after a crash continues at once instead of waiting out its predecessor's lease.
   */
  async claim(instance: string, now: number, alone = false): Promise<number[]> {
    const open = await this.db.deployment.findMany({
      where: { finishedAt: null },
      select: { id: true, leaseOwner: true, leaseUntil: true },
    });
    // Alone, there is nobody to keep out: no lease is written at all.
    if (alone) return open.map((d) => d.id);
    const mine: number[] = [];
    const until = new Date(now + this.leaseMs);
    for (const d of open) {
      // A lease of ours with more than half its time left needs no write this tick.
      if (d.leaseOwner === instance && (d.leaseUntil?.getTime() ?? 0) > now + this.leaseMs / 2) {
        mine.push(d.id);
        continue;
      }
      const { count } = await this.db.deployment.updateMany({
        where: {
          id: d.id,
          finishedAt: null,
          OR: [{ leaseOwner: instance }, { leaseOwner: null }, { leaseUntil: null }, { leaseUntil: { lt: new Date(now) } }],
        },
        data: { leaseOwner: instance, leaseUntil: until },
      });
      if (count === 1) mine.push(d.id);
    }
    return mine;
  }

  /** Gives up this instance's leases (a graceful stop), so another instance takes over at once. */
  async releaseLeases(instance: string): Promise<void> {
    await this.db.deployment.updateMany({ where: { leaseOwner: instance }, data: { leaseOwner: null, leaseUntil: null } });
  }
}
