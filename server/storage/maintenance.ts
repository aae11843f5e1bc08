import { DAY_MS, MINUTE_MS } from '../time.ts';
import type { Dialect, PruneCuts } from './dialect.ts';
import { LOG_BUCKETS } from './tables.ts';

/** How long each kind of history is kept, ms; 0 keeps it for ever. */
export interface Retention {
  rawMs: number;
  minuteMs: number;
  hourMs: number;
}

export const DEFAULT_RETENTION: Retention = { rawMs: 7 * DAY_MS, minuteMs: 90 * DAY_MS, hourMs: 0 };

/** Pairs pruned per step, and how often a pruning pass starts. */
const PRUNE_PAIRS = 200;
const PRUNE_EVERY_MS = 10 * MINUTE_MS;

export interface CompactionOptions {
  /** Start moving the log into history when this many rows were appended... */
  rows: number;
  /** ...or when this long has passed since the last move and any were. */
  ms: number;
}

// Readers see the log as well, so how often it moves is a matter of cost: a move writes a page per device and
// parameter (history and each rollup are clustered by them) however few rows each has, so with many devices
// sending rarely, moving every minute writes several times less than every ten seconds.
export const DEFAULT_COMPACTION: CompactionOptions = { rows: 1_200_000, ms: 60_000 };

/**
 * When the writer thread does its background work, one short step at a time between group commits:
 * moving the history log into history and the rollups, and pruning what is past its retention.
 */
export class Maintenance {
  /** Rows appended to the log since the last move started. */
  private logRows = 0;
  private lastMove = performance.now();
  /** The next bucket of the move in progress. */
  private move: number | null = null;
  /** The pairs left in the pruning pass in progress, and its cuts. */
  private pruning: { pairs: Array<[number, number]>; cuts: PruneCuts } | null = null;
  /** The first pass comes a minute after start, not in the middle of it. */
  private lastPrune = performance.now() - PRUNE_EVERY_MS + MINUTE_MS;

  constructor(
    private readonly dialect: Dialect,
    private readonly compaction: CompactionOptions = DEFAULT_COMPACTION,
    private readonly retention: Retention = DEFAULT_RETENTION,
  ) {}

  /** Reads how much the log holds (at start, to know whether a move is due). */
  async open(): Promise<void> {
    this.logRows = await this.dialect.logRows();
  }

  /** A group commit appended this many rows to the log. */
  appended(rows: number): void {
    this.logRows += rows;
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
}
