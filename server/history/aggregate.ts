import type { Scalar } from '../../protocol/values.ts';
import { type RawRow, type RollupRow, rowValue } from './rows.ts';

/** A point of a trend: one raw value (count 1), or the summary of a bucket starting at t. */
export interface Point {
  t: number;
  count: number;
  /** Numbers only: mean, least and greatest of the bucket. */
  avg: number | null;
  min: number | null;
  max: number | null;
  /** The newest value of the bucket (the value itself for a raw point). */
  last: Scalar;
}

interface Acc {
  t: number;
  count: number;
  numbers: number;
  sum: number;
  min: number;
  max: number;
  last: Scalar;
  lastT: number;
}

const open = (t: number): Acc => ({
  t,
  count: 0,
  numbers: 0,
  sum: 0,
  min: Number.POSITIVE_INFINITY,
  max: Number.NEGATIVE_INFINITY,
  last: null,
  lastT: Number.NEGATIVE_INFINITY,
});

const close = (a: Acc): Point => ({
  t: a.t,
  count: a.count,
  avg: a.numbers > 0 ? a.sum / a.numbers : null,
  min: a.numbers > 0 ? a.min : null,
  max: a.numbers > 0 ? a.max : null,
  last: a.last,
});

function addRaw(a: Acc, row: RawRow): void {
  a.count++;
  if (row.num !== null) {
    a.numbers++;
    a.sum += row.num;
    if (row.num < a.min) a.min = row.num;
    if (row.num > a.max) a.max = row.num;
  }
  if (row.t >= a.lastT) {
    a.lastT = row.t;
    a.last = rowValue(row);
  }
}

function addRollup(a: Acc, r: RollupRow): void {
  a.count += r.count;
  a.numbers += r.count;
  a.sum += r.sum;
  if (r.min < a.min) a.min = r.min;
  if (r.max > a.max) a.max = r.max;
  if (r.lastT >= a.lastT) {
    a.lastT = r.lastT;
    a.last = r.last;
  }
}

export const bucketOf = (t: number, width: number): number => Math.floor(t / width) * width;

/** Raw rows as points, one each. */
export function rawPoints(rows: readonly RawRow[]): Point[] {
  return rows.map((r) => {
    const v = rowValue(r);
    const n = typeof v === 'number' ? v : null;
    return { t: r.t, count: 1, avg: n, min: n, max: n, last: v };
  });
}

/**
 * Sorted raw rows into buckets of `width` ms aligned to the epoch (UTC), one at a time: a bucket is
 * handed out as soon as a row of a later one arrives, so a stream of any length takes constant memory.
 */
export class BucketStream {
  private current: Acc | null = null;

  constructor(private readonly width: number) {}

  /** Adds a row (in time order); returns the bucket it closed, if any. */
  add(row: RawRow): Point | null {
    const t = bucketOf(row.t, this.width);
    let closed: Point | null = null;
    if (this.current && this.current.t !== t) {
      closed = close(this.current);
      this.current = null;
    }
    this.current ??= open(t);
    addRaw(this.current, row);
    return closed;
  }

  end(): Point | null {
    const last = this.current ? close(this.current) : null;
    this.current = null;
    return last;
  }
}

/** Buckets of `width` from raw rows in any order (the bounded, in-memory path). */
export function bucketRaw(rows: Iterable<RawRow>, width: number): Point[] {
  const buckets = new Map<number, Acc>();
  for (const row of rows) {
    const t = bucketOf(row.t, width);
    let a = buckets.get(t);
    if (!a) {
      a = open(t);
      buckets.set(t, a);
    }
    addRaw(a, row);
  }
  return [...buckets.values()].sort((x, y) => x.t - y.t).map(close);
}

/** Buckets of `width` from rollup rows (narrower, aligned) plus raw rows not rolled up yet. */
export function bucketRollups(rollups: Iterable<RollupRow>, raw: Iterable<RawRow>, width: number): Point[] {
  const buckets = new Map<number, Acc>();
  const at = (t: number) => {
    const b = bucketOf(t, width);
    let a = buckets.get(b);
    if (!a) {
      a = open(b);
      buckets.set(b, a);
    }
    return a;
  };
  for (const r of rollups) addRollup(at(r.bucket), r);
  for (const row of raw) addRaw(at(row.t), row);
  return [...buckets.values()].sort((x, y) => x.t - y.t).map(close);
}
