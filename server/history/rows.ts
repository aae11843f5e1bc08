import type { Scalar } from '../../protocol/values.ts';
import type { RollupTable } from '../storage/tables.ts';

/** One accepted value as stored: numbers in num, anything else as JSON text. */
export interface RawRow {
  t: number;
  num: number | null;
  text: string | null;
}

/** One rollup row (a minute or an hour of one device's parameter). */
export interface RollupRow {
  bucket: number;
  min: number;
  max: number;
  sum: number;
  count: number;
  last: number;
  lastT: number;
}

export interface Pair {
  deviceId: number;
  paramId: number;
}

/** How history reads its rows; one implementation per database. Ranges are [from, to). */
export interface HistorySource {
  /** Ids of a device and a parameter, or null when either is unknown. */
  pair(serial: string, name: string): Promise<Pair | null>;
  /** Raw values of several pairs (history and the log not moved yet), by pair then time; at most `limit` per pair. */
  raw(pairs: readonly Pair[], from: number, to: number, limit: number): Promise<Map<string, RawRow[]>>;
  /** One page of one pair's raw values after `afterT`, in time order (export). */
  rawPage(pair: Pair, from: number, to: number, afterT: number, limit: number): Promise<RawRow[]>;
  /** Rollup rows of several pairs, by pair then bucket. */
  rollups(table: RollupTable, pairs: readonly Pair[], from: number, to: number): Promise<Map<string, RollupRow[]>>;
  /** Values of the log not moved yet, for several pairs (they are in no rollup yet). */
  logRows(pairs: readonly Pair[], from: number, to: number): Promise<Map<string, RawRow[]>>;
  /** Database ids of devices by serial (unknown serials left out). */
  deviceIds(serials: readonly string[]): Promise<Map<string, number>>;
  /** A parameter's id, or null when unknown. */
  paramId(name: string): Promise<number | null>;
  /**
   * One parameter of many devices in one snapshot (a move of the log into the rollups meanwhile neither
   * doubles nor drops a value): its rollup rows as [deviceId, bucket, sum, count, min, max, last, lastT],
   * handed over a slice at a time (a fleet's rows are never all in memory at once), and its numbers in the
   * log not moved yet, returned as [deviceId, t, num].
   */
  fleetRead(
    table: RollupTable,
    paramId: number,
    deviceIds: readonly number[],
    from: number,
    to: number,
    take: (rows: number[][]) => void,
  ): Promise<number[][]>;
  close(): Promise<void>;
}

export const pairKey = (p: Pair): string => `${p.deviceId}:${p.paramId}`;

export function rowValue(row: RawRow): Scalar {
  return row.num !== null ? row.num : row.text === null ? null : (JSON.parse(row.text) as Scalar);
}

/** Groups rows that carry their pair's ids into a map by pair. */
export function byPair<T>(rows: Iterable<[number, number, T]>): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const [deviceId, paramId, row] of rows) {
    const key = `${deviceId}:${paramId}`;
    let list = out.get(key);
    if (!list) {
      list = [];
      out.set(key, list);
    }
    list.push(row);
  }
  return out;
}
