import { setImmediate } from 'node:timers/promises';
import type { Db } from '../storage/database.ts';
import { COMMAND_LIMITS, EXECUTION_STATES, type ExecutionState, OPEN_STATES, UNFINISHED_STATES } from './states.ts';

export interface NewJob {
  name: string;
  args: unknown;
  userId: number | null;
  via: string;
  address: string;
  ackTimeoutMs: number;
  retries: number;
  expiresAt: number;
  ratePerSecond?: number | null;
}

export interface ExecutionRow {
  id: number;
  jobId: number;
  serial: string;
  state: ExecutionState;
  attempts: number;
  sentAt: number | null;
  updatedAt: number;
  percent: number | null;
  result: unknown;
  error: string | null;
  reason: string | null;
}

export interface JobRow {
  ratePerSecond: number | null;
  id: number;
  name: string;
  args: unknown;
  userId: number | null;
  via: string;
  address: string;
  createdAt: number;
  expiresAt: number;
  ackTimeoutMs: number;
  retries: number;
  canceledAt: number | null;
}

type DbExecution = {
  id: number;
  jobId: number;
  serial: string;
  state: string;
  attempts: number;
  sentAt: Date | null;
  updatedAt: Date;
  percent: number | null;
  result: string | null;
  error: string | null;
  reason: string | null;
};

export const executionRow = (e: DbExecution): ExecutionRow => ({
  id: e.id,
  jobId: e.jobId,
  serial: e.serial,
  state: e.state as ExecutionState,
  attempts: e.attempts,
  sentAt: e.sentAt?.getTime() ?? null,
  updatedAt: e.updatedAt.getTime(),
  percent: e.percent,
  result: e.result === null ? null : (JSON.parse(e.result) as unknown),
  error: e.error,
  reason: e.reason,
});

export const jobRow = (j: {
  id: number;
  name: string;
  args: string;
  userId: number | null;
  via: string;
  address: string;
  createdAt: Date;
  expiresAt: Date;
  ackTimeoutMs: number;
  retries: number;
  ratePerSecond: number | null;
  canceledAt: Date | null;
}): JobRow => ({
  ratePerSecond: j.ratePerSecond,
  id: j.id,
  name: j.name,
  args: JSON.parse(j.args) as unknown,
  userId: j.userId,
  via: j.via,
  address: j.address,
  createdAt: j.createdAt.getTime(),
  expiresAt: j.expiresAt.getTime(),
  ackTimeoutMs: j.ackTimeoutMs,
  retries: j.retries,
  canceledAt: j.canceledAt?.getTime() ?? null,
});

/**
 * Statement sizes within every database's bound on query parameters (SQLite's is the lowest, 999 in
 * the driver adapter): ids or serials in one IN list, rows in one multi-row INSERT (at most 6 columns).
 */
const IN_LIST = 900;
const ROWS = 150;

/** Jobs and executions in the database: every state change is a conditional update plus its event. */
export class CommandStore {
  constructor(private readonly db: Db) {}

  /** One job and its executions in one transaction (batched inserts, not one per device). */
  async create(job: NewJob, targets: ReadonlyArray<{ serial: string; skip: string | null }>): Promise<JobRow> {
    const now = new Date();
    const row = await this.db.commandJob.create({
      data: {
        name: job.name,
        args: JSON.stringify(job.args ?? {}),
        userId: job.userId,
        via: job.via,
        address: job.address,
        createdAt: now,
        expiresAt: new Date(job.expiresAt),
        ackTimeoutMs: job.ackTimeoutMs,
        retries: job.retries,
        ratePerSecond: job.ratePerSecond ?? null,
      },
    });
    await this.addTargets(row.id, targets, now);
    return jobRow(row);
  }

  /** More executions of a job (a deployment starts its devices a few at a time); resolves with their ids. */
  async addTargets(
    jobId: number,
    targets: ReadonlyArray<{ serial: string; skip: string | null }>,
    now = new Date(),
  ): Promise<Array<{ id: number; serial: string }>> {
    const out: Array<{ id: number; serial: string }> = [];
    // Executions a few hundred rows per statement, yielding in between: the writer thread (and so the
    // devices' acks) never waits behind one long transaction, and no interactive transaction holds a
    // connection across turns of the event loop.
    for (let i = 0; i < targets.length; i += ROWS) {
      const slice = targets.slice(i, i + ROWS);
      await this.boundOpen(
        slice.filter((t) => !t.skip).map((t) => t.serial),
        now,
      );
      const made = await this.db.commandExecution.createManyAndReturn({
        data: slice.map((t) => ({
          jobId,
          serial: t.serial,
          state: t.skip ? 'SKIPPED' : 'QUEUED',
          reason: t.skip,
          updatedAt: now,
        })),
        select: { id: true, serial: true, state: true, reason: true },
      });
      await this.db.commandEvent.createMany({
        data: made.map((e) => ({ executionId: e.id, state: e.state, at: now, detail: e.reason })),
      });
      for (const e of made) out.push({ id: e.id, serial: e.serial });
      if (i + ROWS < targets.length) await setImmediate();
    }
    return out;
  }

  /** Each device keeps at most so many open commands: beyond, its oldest expire (room for one more). */
  private async boundOpen(serials: string[], now: Date): Promise<void> {
    const tx = this.db;
    if (serials.length === 0) return;
    const full = await tx.commandExecution.groupBy({
      by: ['serial'],
      where: { serial: { in: serials }, state: { in: [...UNFINISHED_STATES] } },
      _count: { _all: true },
      having: { serial: { _count: { gte: COMMAND_LIMITS.pendingPerDevice } } },
    });
    for (const f of full) {
      const oldest = await tx.commandExecution.findMany({
        where: { serial: f.serial, state: { in: [...UNFINISHED_STATES] } },
        orderBy: { id: 'asc' },
        take: f._count._all - COMMAND_LIMITS.pendingPerDevice + 1,
        select: { id: true },
      });
      const ids = oldest.map((o) => o.id);
      await tx.commandExecution.updateMany({
        where: { id: { in: ids } },
        data: {
          state: 'EXPIRED',
          reason: `more than ${COMMAND_LIMITS.pendingPerDevice} open commands: the oldest expire`,
          updatedAt: now,
        },
      });
      await tx.commandEvent.createMany({
        data: ids.map((id) => ({ executionId: id, state: 'EXPIRED', at: now, detail: 'too many open commands' })),
      });
    }
  }

  /**
   * Moves an execution from one of `from` to `to` (with extra columns), and records the event. Resolves with
   * the new row, or null when it was not in one of `from` any more (someone else moved it first).
   */
  async move(
    id: number,
    from: readonly ExecutionState[],
    to: ExecutionState,
    patch: Partial<{
      attempts: number;
      sentAt: Date;
      percent: number | null;
      result: string | null;
      error: string | null;
      reason: string | null;
    }> = {},
    detail: string | null = null,
  ): Promise<ExecutionRow | null> {
    const now = new Date();
    const { count } = await this.db.commandExecution.updateMany({
      where: { id, state: { in: [...from] } },
      data: { state: to, updatedAt: now, ...patch },
    });
    if (count === 0) return null;
    await this.db.commandEvent.create({ data: { executionId: id, state: to, at: now, detail } });
    const row = await this.db.commandExecution.findUnique({ where: { id } });
    return row ? executionRow(row) : null;
  }

  /** Executions by id (those that exist). */
  async byIds(ids: readonly number[]): Promise<ExecutionRow[]> {
    const out: ExecutionRow[] = [];
    for (let i = 0; i < ids.length; i += IN_LIST)
      for (const r of await this.db.commandExecution.findMany({ where: { id: { in: ids.slice(i, i + IN_LIST) } } }))
        out.push(executionRow(r));
    return out;
  }

  /** Open executions of these devices, oldest first per device (what to send them). */
  async openFor(
    serials: readonly string[],
  ): Promise<Array<ExecutionRow & { name: string; args: unknown; ratePerSecond: number | null }>> {
    const out: Array<ExecutionRow & { name: string; args: unknown; ratePerSecond: number | null }> = [];
    for (let i = 0; i < serials.length; i += IN_LIST) {
      const rows = await this.db.commandExecution.findMany({
        where: { serial: { in: serials.slice(i, i + IN_LIST) }, state: { in: [...OPEN_STATES] } },
        include: { job: { select: { name: true, args: true, ratePerSecond: true } } },
        orderBy: { id: 'asc' },
      });
      for (const r of rows)
        out.push({
          ...executionRow(r),
          name: r.job.name,
          args: JSON.parse(r.job.args) as unknown,
          ratePerSecond: r.job.ratePerSecond,
        });
    }
    return out;
  }

  /** QUEUED executions just sent: SENT, with their events, in one transaction per chunk. */
  async markSent(rows: readonly ExecutionRow[]): Promise<ExecutionRow[]> {
    const now = new Date();
    const moved: ExecutionRow[] = [];
    for (let i = 0; i < rows.length; i += ROWS) {
      if (i > 0) await setImmediate();
      const chunk = rows.slice(i, i + ROWS);
      const ids = chunk.map((r) => r.id);
      await this.db.$transaction([
        this.db.commandExecution.updateMany({
          where: { id: { in: ids }, state: 'QUEUED' },
          data: { state: 'SENT', sentAt: now, updatedAt: now, attempts: { increment: 1 } },
        }),
        this.db.commandEvent.createMany({ data: ids.map((id) => ({ executionId: id, state: 'SENT', at: now })) }),
      ]);
      for (const r of chunk)
        moved.push({ ...r, state: 'SENT', attempts: r.attempts + 1, sentAt: now.getTime(), updatedAt: now.getTime() });
    }
    return moved;
  }

  /** SENT executions sent again after a reconnect: their ack timeout starts over. */
  async resent(ids: readonly number[]): Promise<void> {
    for (let i = 0; i < ids.length; i += IN_LIST)
      await this.db.commandExecution.updateMany({
        where: { id: { in: ids.slice(i, i + IN_LIST) }, state: 'SENT' },
        data: { sentAt: new Date() },
      });
  }

  /** SENT executions whose device said nothing within the job's ack timeout, for devices in `serials`. */
  async overdue(now: number): Promise<Array<ExecutionRow & { retries: number }>> {
    // Only rows sent longer ago than the shortest ack timeout (1 s) can be due: a job in progress, with
    // thousands of executions just sent, costs the sweep nothing. The index (state, sent_at) serves it.
    const rows = await this.db.commandExecution.findMany({
      where: { state: 'SENT', sentAt: { lte: new Date(now - 1000) } },
      include: { job: { select: { ackTimeoutMs: true, retries: true } } },
      orderBy: { sentAt: 'asc' },
      take: 2000,
    });
    return rows
      .filter((r) => r.sentAt !== null && r.sentAt.getTime() + r.job.ackTimeoutMs <= now)
      .map((r) => ({ ...executionRow(r), retries: r.job.retries }));
  }

  /** Open executions past their job's expiry become EXPIRED. Resolves with them. */
  async expire(now: number): Promise<ExecutionRow[]> {
    const due = await this.db.commandExecution.findMany({
      where: { state: { in: [...UNFINISHED_STATES] }, job: { expiresAt: { lte: new Date(now) } } },
      select: { id: true },
      take: 10_000,
    });
    const moved: ExecutionRow[] = [];
    for (const { id } of due) {
      const row = await this.move(id, [...UNFINISHED_STATES], 'EXPIRED', { reason: 'expired before it finished' });
      if (row) moved.push(row);
    }
    return moved;
  }

  /** Cancels a job: its open executions become CANCELED. */
  async cancel(jobId: number, who: string): Promise<ExecutionRow[]> {
    await this.db.commandJob.updateMany({ where: { id: jobId, canceledAt: null }, data: { canceledAt: new Date() } });
    const open = await this.db.commandExecution.findMany({
      where: { jobId, state: { in: [...UNFINISHED_STATES] } },
      select: { id: true },
    });
    const moved: ExecutionRow[] = [];
    for (const { id } of open) {
      const row = await this.move(id, [...UNFINISHED_STATES], 'CANCELED', { reason: `canceled by ${who}` });
      if (row) moved.push(row);
    }
    return moved;
  }

  async job(id: number): Promise<JobRow | null> {
    const j = await this.db.commandJob.findUnique({ where: { id } });
    return j ? jobRow(j) : null;
  }

  /** How many executions of a job are in each state. */
  async counts(jobId: number): Promise<Record<ExecutionState, number>> {
    const groups = await this.db.commandExecution.groupBy({ by: ['state'], where: { jobId }, _count: { _all: true } });
    const out = Object.fromEntries(EXECUTION_STATES.map((s) => [s, 0])) as Record<ExecutionState, number>;
    for (const g of groups) out[g.state as ExecutionState] = g._count._all;
    return out;
  }

  async executions(
    where: { jobId?: number; serial?: string; states?: ExecutionState[] },
    offset: number,
    limit: number,
  ): Promise<ExecutionRow[]> {
    const rows = await this.db.commandExecution.findMany({
      where: {
        ...(where.jobId !== undefined ? { jobId: where.jobId } : {}),
        ...(where.serial !== undefined ? { serial: where.serial } : {}),
        ...(where.states ? { state: { in: where.states } } : {}),
      },
      orderBy: { id: 'desc' },
      skip: offset,
      take: limit,
    });
    return rows.map(executionRow);
  }

  async jobs(userId: number | null, offset: number, limit: number): Promise<JobRow[]> {
    const rows = await this.db.commandJob.findMany({
      where: userId === null ? {} : { userId },
      orderBy: { id: 'desc' },
      skip: offset,
      take: limit,
    });
    return rows.map(jobRow);
  }

  /** Jobs one user created since a time (rate bound). */
  async jobsSince(userId: number | null, since: number): Promise<number> {
    return this.db.commandJob.count({ where: { userId, createdAt: { gte: new Date(since) } } });
  }
}
