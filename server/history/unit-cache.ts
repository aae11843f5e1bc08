import type { RollupTable } from '../storage/tables.ts';

/**
 * One device's parameter in rollup units (minutes or hours) over a contiguous range: the sum, count, least,
 * greatest and last value of each unit (count 0: no value). Only closed units are kept: history is appended
 * at the time the server accepts a value, so a unit that ended a while ago never changes again.
 */
export interface UnitSeries {
  start: number;
  /** Units held. */
  n: number;
  sum: Float64Array;
  count: Float64Array;
  min: Float64Array;
  max: Float64Array;
  last: Float64Array;
}

/** Bytes per unit held (five doubles). */
export const UNIT_BYTES = 40;

export function emptySeries(start: number, n: number): UnitSeries {
  return {
    start,
    n,
    sum: new Float64Array(n),
    count: new Float64Array(n),
    min: new Float64Array(n).fill(Number.POSITIVE_INFINITY),
    max: new Float64Array(n).fill(Number.NEGATIVE_INFINITY),
    last: new Float64Array(n),
  };
}

/**
 * Closed rollup units per device and parameter, least recently used dropped first beyond a byte budget, so
 * a fleet chart over days reads the database only for what it has not read before and for the open end.
 */
export class UnitCache {
  private readonly entries = new Map<string, UnitSeries>();
  private bytes = 0;

  constructor(private readonly budgetBytes: number) {}

  private static key(table: RollupTable, paramId: number, deviceId: number): string {
    return `${table}:${paramId}:${deviceId}`;
  }

  /** The series when it covers [from, to), refreshed as recently used; else undefined. */
  get(table: RollupTable, paramId: number, deviceId: number, from: number, to: number, unit: number): UnitSeries | undefined {
    const key = UnitCache.key(table, paramId, deviceId);
    const s = this.entries.get(key);
    if (!s || s.start > from || s.start + s.n * unit < to) return undefined;
    this.entries.delete(key);
    this.entries.set(key, s);
    return s;
  }

  set(table: RollupTable, paramId: number, deviceId: number, series: UnitSeries): void {
    const key = UnitCache.key(table, paramId, deviceId);
    const old = this.entries.get(key);
    if (old) {
      this.bytes -= old.n * UNIT_BYTES;
      this.entries.delete(key);
    }
    if (series.n * UNIT_BYTES > this.budgetBytes) return;
    this.entries.set(key, series);
    this.bytes += series.n * UNIT_BYTES;
    for (const [k, s] of this.entries) {
      if (this.bytes <= this.budgetBytes) break;
      this.entries.delete(k);
      this.bytes -= s.n * UNIT_BYTES;
    }
  }

  get size(): { entries: number; bytes: number } {
    return { entries: this.entries.size, bytes: this.bytes };
  }
}
