import type { ParameterKind } from '../state/fleet.ts';
import { DAY_MS } from '../time.ts';
import { historyColumns, type NewDevice, type NewParameter, planBatch, type WriteItem } from './batch.ts';

export type IdRow = [key: string, id: number];
export type ParamRow = [name: string, id: number, kind: string | null];

/** The SQL one provider needs for a group commit; rows come as columns, ready for bulk statements. */
export interface Dialect {
  loadIds(): Promise<{ devices: IdRow[]; params: ParamRow[] }>;
  transaction(work: () => Promise<void>): Promise<void>;
  /** Registers devices (existing serials are left alone) and returns the ids of all of them. */
  insertDevices(rows: NewDevice[], instance: string): Promise<IdRow[]>;
  insertParameters(rows: NewParameter[]): Promise<ParamRow[]>;
  /** Sets the kind of parameters whose kind is still unknown. */
  setKinds(ids: number[], kinds: ParameterKind[]): Promise<void>;
  touch(ids: number[], lastSeen: number[], instance: string): Promise<void>;
  /** Marks devices offline unless another instance holds them by now. */
  setOffline(ids: number[], instance: string): Promise<void>;
  upsertValues(deviceIds: number[], paramIds: number[], values: string[]): Promise<void>;
  /** Appends accepted values to the history log. */
  appendHistory(
    deviceIds: number[],
    paramIds: number[],
    ts: number[],
    nums: Array<number | null>,
    texts: Array<string | null>,
  ): Promise<void>;
  /** Moves one bucket of the log into history, in one transaction. */
  moveToHistory(bucket: number): Promise<void>;
  /** Rows in the history log (at start, to know whether a move is due). */
  logRows(): Promise<number>;
  /** The device/parameter pairs that have values: what pruning walks through. */
  pairs(): Promise<Array<[deviceId: number, paramId: number]>>;
  /** For these pairs, deletes raw points and rollups older than their cut (null keeps them). */
  prune(pairs: Array<[number, number]>, cuts: PruneCuts): Promise<void>;
  close(): Promise<void>;
}

export interface PruneCuts {
  raw: number | null;
  minute: number | null;
  hour: number | null;
}

/** How long each kind of history is kept, ms; 0 keeps it for ever. */
export interface Retention {
  rawMs: number;
  minuteMs: number;
  hourMs: number;
}

export const DEFAULT_RETENTION: Retention = { rawMs: 7 * DAY_MS, minuteMs: 90 * DAY_MS, hourMs: 0 };

/** Pairs pruned per step, and how often a pruning pass starts. */
const PRUNE_PAIRS = 200;
const PRUNE_EVERY_MS = 10 * 60_000;

/** The history log is split in buckets by device id; one is moved per step. */
export const LOG_BUCKETS = 64;

export interface CompactionOptions {
  /** Start moving the log into history when this many rows were appended... */
  rows: number;
  /** ...or when this long has passed since the last move and any were. */
  ms: number;
}

export const DEFAULT_COMPACTION: CompactionOptions = { rows: 400_000, ms: 10_000 };

interface CachedParam {
  id: number;
  kind: string | null;
}

/**
 * Writes group commits through a dialect. Keeps serial → id and name → id in memory so a batch of
 * known devices costs only the bulk writes; ids learnt in a batch that rolls back are forgotten.
 */
export class BatchWriter {
  private readonly deviceIds = new Map<string, number>();
  private readonly params = new Map<string, CachedParam>();
  /** Rows appended to the log since the last move started. */
  private logRows = 0;
  private lastMove = performance.now();
  /** The next bucket of the move in progress. */
  private move: number | null = null;
  /** The pairs left in the pruning pass in progress, and its cuts. */
  private pruning: { pairs: Array<[number, number]>; cuts: PruneCuts } | null = null;
  /** The first pass comes a minute after start, not in the middle of it. */
  private lastPrune = performance.now() - PRUNE_EVERY_MS + 60_000;

  constructor(
    private readonly dialect: Dialect,
    private readonly instance: string,
    private readonly compaction: CompactionOptions = DEFAULT_COMPACTION,
    private readonly retention: Retention = DEFAULT_RETENTION,
  ) {}

  async open(): Promise<void> {
    const { devices, params } = await this.dialect.loadIds();
    for (const [serial, id] of devices) this.deviceIds.set(serial, id);
    for (const [name, id, kind] of params) this.params.set(name, { id, kind });
    this.logRows = await this.dialect.logRows();
  }

  /**
   * One step of moving the history log into history, when a move is due: one bucket per call, so group
   * commits keep flowing between steps. Returns whether more steps of this move are pending.
   */
  async compactStep(force = false): Promise<boolean> {
    if (!this.move) {
      const due =
        this.logRows >= this.compaction.rows || (this.logRows > 0 && performance.now() - this.lastMove >= this.compaction.ms);
      if (!due && !force) return false;
      this.logRows = 0;
      this.lastMove = performance.now();
      this.move = 0;
    }
    await this.dialect.moveToHistory(this.move);
    this.move++;
    if (this.move < LOG_BUCKETS) return true;
    this.move = null;
    return false;
  }

  /** Moves everything logged so far into history (tests, and tools). */
  async compactAll(): Promise<void> {
    while (await this.compactStep(true));
  }

  /**
   * One step of pruning history past its retention, when a pass is due: a few hundred device/parameter
   * ranges per call, each a range delete on the primary key, so ingestion never waits long.
   * Returns whether more steps of this pass are pending.
   */
  async pruneStep(now = Date.now(), force = false): Promise<boolean> {
    if (!this.pruning) {
      if (!force && performance.now() - this.lastPrune < PRUNE_EVERY_MS) return false;
      this.lastPrune = performance.now();
      const cut = (ms: number) => (ms > 0 ? now - ms : null);
      const cuts = { raw: cut(this.retention.rawMs), minute: cut(this.retention.minuteMs), hour: cut(this.retention.hourMs) };
      if (cuts.raw === null && cuts.minute === null && cuts.hour === null) return false;
      this.pruning = { pairs: await this.dialect.pairs(), cuts };
    }
    const step = this.pruning.pairs.splice(0, PRUNE_PAIRS);
    if (step.length > 0) await this.dialect.prune(step, this.pruning.cuts);
    if (this.pruning.pairs.length > 0) return true;
    this.pruning = null;
    return false;
  }

  /** Background work between group commits: a step of moving the log, else a step of pruning. */
  async maintain(): Promise<void> {
    if (await this.compactStep()) return;
    await this.pruneStep();
  }

  async write(items: readonly WriteItem[]): Promise<void> {
    const plan = planBatch(items);
    const learnt: string[] = [];
    const learntParams: string[] = [];
    const kindsSet: string[] = [];
    try {
      await this.dialect.transaction(async () => {
        const newDevices: NewDevice[] = [];
        for (const [serial, t] of plan.firstFrame) {
          if (!this.deviceIds.has(serial))
            newDevices.push({ serial, createdAt: t, lastSeen: t, owner: plan.owners.get(serial) ?? null });
        }
        if (newDevices.length > 0) {
          for (const [serial, id] of await this.dialect.insertDevices(newDevices, this.instance)) {
            this.deviceIds.set(serial, id);
            learnt.push(serial);
          }
        }
        const newParams: NewParameter[] = [];
        const kindIds: number[] = [];
        const kinds: ParameterKind[] = [];
        for (const p of plan.names.values()) {
          const cached = this.params.get(p.name);
          if (!cached) newParams.push(p);
          else if (cached.kind === null && p.kind !== null) {
            kindIds.push(cached.id);
            kinds.push(p.kind);
            cached.kind = p.kind;
            kindsSet.push(p.name);
          }
        }
        if (newParams.length > 0) {
          for (const [name, id, kind] of await this.dialect.insertParameters(newParams)) {
            this.params.set(name, { id, kind });
            learntParams.push(name);
          }
        }
        if (kindIds.length > 0) await this.dialect.setKinds(kindIds, kinds);

        const seenIds: number[] = [];
        const seenAt: number[] = [];
        for (const [serial, t] of plan.seen) {
          seenIds.push(this.id(serial));
          seenAt.push(t);
        }
        if (seenIds.length > 0) await this.dialect.touch(seenIds, seenAt, this.instance);
        const offIds = plan.offline.flatMap((s) => {
          const id = this.deviceIds.get(s);
          return id === undefined ? [] : [id];
        });
        if (offIds.length > 0) await this.dialect.setOffline(offIds, this.instance);

        const vDevice: number[] = [];
        const vParam: number[] = [];
        const vValue: string[] = [];
        for (const [serial, values] of plan.latest) {
          const deviceId = this.id(serial);
          for (const [name, value] of values) {
            vDevice.push(deviceId);
            vParam.push(this.paramId(name));
            vValue.push(JSON.stringify(value));
          }
        }
        if (vDevice.length > 0) await this.dialect.upsertValues(vDevice, vParam, vValue);

        const n = plan.history.length;
        if (n > 0) {
          const hDevice = new Array<number>(n);
          const hParam = new Array<number>(n);
          const hT = new Array<number>(n);
          const hNum = new Array<number | null>(n);
          const hText = new Array<string | null>(n);
          for (let i = 0; i < n; i++) {
            const row = plan.history[i] as (typeof plan.history)[number];
            hDevice[i] = this.id(row.serial);
            hParam[i] = this.paramId(row.name);
            hT[i] = row.t;
            [hNum[i], hText[i]] = historyColumns(row.value);
          }
          await this.dialect.appendHistory(hDevice, hParam, hT, hNum, hText);
          this.logRows += n;
        }
      });
    } catch (err) {
      for (const serial of learnt) this.deviceIds.delete(serial);
      for (const name of learntParams) this.params.delete(name);
      for (const name of kindsSet) {
        const cached = this.params.get(name);
        if (cached) cached.kind = null;
      }
      throw err;
    }
  }

  close(): Promise<void> {
    return this.dialect.close();
  }

  private id(serial: string): number {
    const id = this.deviceIds.get(serial);
    if (id === undefined) throw new Error(`device ${serial} has no id after registration`);
    return id;
  }

  private paramId(name: string): number {
    const p = this.params.get(name);
    if (!p) throw new Error(`parameter ${name} has no id after registration`);
    return p.id;
  }
}
