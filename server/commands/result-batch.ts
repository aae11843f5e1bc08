import { setImmediate } from 'node:timers/promises';
import type { ResultBody } from '../../protocol/v2.ts';
import type { Db } from '../storage/database.ts';
import { type ExecutionRow, executionRow } from './command-store.ts';
import { type ExecutionState, FINAL_STATES, UNFINISHED_STATES } from './states.ts';

const RESULT_STATE: Record<ResultBody['status'], ExecutionState> = {
  received: 'DELIVERED',
  progress: 'DELIVERED',
  succeeded: 'SUCCEEDED',
  failed: 'FAILED',
  rejected: 'REJECTED',
};

/** Reports gathered into one transaction at most; more wait for the next. */
const BATCH = 300;
const ROWS = 150;

interface Pending {
  cmdid: number;
  serial: string;
  body: ResultBody;
  done: (row: ExecutionRow | 'unknown') => void;
  fail: (err: Error) => void;
}

/**
 * Devices' RSLT reports, stored in batches (like frames in a group commit): the reports that arrive while
 * one batch is written go together in the next, each answered once its batch is durable. Ten thousand
 * devices reporting at once cost a few transactions, not tens of thousands of queries.
 */
export class ResultBatch {
  private queue: Pending[] = [];
  private writing = false;

  constructor(private readonly db: Db) {}

  /** Resolves with the execution as stored, or 'unknown' when no execution of this device has that cmdid. */
  submit(cmdid: number, serial: string, body: ResultBody): Promise<ExecutionRow | 'unknown'> {
    return new Promise((done, fail) => {
      this.queue.push({ cmdid, serial, body, done, fail });
      if (!this.writing) {
        this.writing = true;
        void this.drain();
      }
    });
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      // What arrived meanwhile joins; the devices' frames get a turn between batches.
      await setImmediate();
      const batch = this.queue.splice(0, BATCH);
      try {
        await this.write(batch);
      } catch (err) {
        for (const p of batch) p.fail(err as Error);
      }
    }
    this.writing = false;
  }

  private async write(batch: Pending[]): Promise<void> {
    const ids = [...new Set(batch.map((p) => p.cmdid))];
    const rows = new Map(
      (await this.db.commandExecution.findMany({ where: { id: { in: ids } } })).map((r) => [r.id, executionRow(r)]),
    );
    const now = new Date();
    const events: Array<{ executionId: number; state: string; at: Date; detail: string | null }> = [];
    /** Moves with nothing but a state, grouped by target; the rest one by one. */
    const plain = new Map<ExecutionState, number[]>();
    const patched: Array<{ id: number; data: Record<string, unknown> }> = [];
    const answers: Array<[Pending, ExecutionRow | 'unknown']> = [];
    for (const p of batch) {
      const row = rows.get(p.cmdid);
      if (!row || row.serial !== p.serial) {
        answers.push([p, 'unknown']);
        continue;
      }
      // A repeated report of a finished command is answered with what is stored.
      if (FINAL_STATES.has(row.state)) {
        answers.push([p, row]);
        continue;
      }
      const to = RESULT_STATE[p.body.status];
      const percent = p.body.percent ?? (to === 'SUCCEEDED' ? 100 : row.percent);
      const next: ExecutionRow = {
        ...row,
        state: to,
        updatedAt: now.getTime(),
        percent,
        result: p.body.result === undefined ? row.result : p.body.result,
        error: p.body.error ?? row.error,
      };
      rows.set(p.cmdid, next);
      answers.push([p, next]);
      if (to !== row.state) events.push({ executionId: row.id, state: to, at: now, detail: p.body.status });
      const needsPatch =
        p.body.result !== undefined || p.body.error !== undefined || p.body.percent !== undefined || to === 'SUCCEEDED';
      if (needsPatch) {
        patched.push({
          id: row.id,
          data: {
            state: to,
            updatedAt: now,
            percent,
            ...(p.body.result !== undefined ? { result: JSON.stringify(p.body.result) } : {}),
            ...(p.body.error !== undefined ? { error: p.body.error } : {}),
          },
        });
      } else if (to !== row.state) {
        const ids = plain.get(to) ?? [];
        ids.push(row.id);
        plain.set(to, ids);
      }
    }
    if (events.length > 0 || patched.length > 0) {
      const open = { in: [...UNFINISHED_STATES] };
      await this.db.$transaction([
        ...[...plain].map(([state, list]) =>
          this.db.commandExecution.updateMany({
            where: { id: { in: list }, state: open },
            data: { state, updatedAt: now, ...(state === 'SUCCEEDED' ? { percent: 100 } : {}) },
          }),
        ),
        ...patched.map(({ id, data }) => this.db.commandExecution.updateMany({ where: { id, state: open }, data })),
        ...Array.from({ length: Math.ceil(events.length / ROWS) }, (_, k) =>
          this.db.commandEvent.createMany({ data: events.slice(k * ROWS, (k + 1) * ROWS) }),
        ),
      ]);
    }
    for (const [p, row] of answers) p.done(row);
  }
}
