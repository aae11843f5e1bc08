import { HOUR_MS, MINUTE_MS } from '../time.ts';

// The tables the writer thread and the history readers address by name in their SQL (Prisma's schema
// defines them; these are what the raw SQL needs to agree on).

/** Every accepted value, clustered by device, parameter and time. */
export const HISTORY_TABLE = 'history';
/** Where group commits append values, split by device id into buckets; moved into history one bucket at a time. */
export const LOG_TABLE = 'history_log';
export const LOG_BUCKETS = 64;

/** The log bucket of a device. */
export function logBucket(deviceId: number): number {
  return deviceId % LOG_BUCKETS;
}

export type RollupTable = 'rollup_minute' | 'rollup_hour';

/** The rollup tables, the width of their buckets (ms), and which retention setting prunes them. */
export const ROLLUPS: ReadonlyArray<{ table: RollupTable; width: number; retention: 'minute' | 'hour' }> = [
  { table: 'rollup_minute', width: MINUTE_MS, retention: 'minute' },
  { table: 'rollup_hour', width: HOUR_MS, retention: 'hour' },
];

export const ROLLUP_WIDTH: Record<RollupTable, number> = { rollup_minute: MINUTE_MS, rollup_hour: HOUR_MS };
