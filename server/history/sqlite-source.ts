import { setImmediate } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { HISTORY_TABLE, LOG_BUCKETS, LOG_TABLE, logBucket, ROLLUP_WIDTH, type RollupTable } from '../storage/tables.ts';
import { byPair, type HistorySource, type Pair, type RawRow, type RollupRow } from './rows.ts';

/** Longest stretch of history reads before the event loop gets a turn, ms. */
const SLICE_MS = 4;
/** Rollup rows read in one statement by fleet reads (a few ms of the event loop). */
const FLEET_ROWS = 5000;

/**
 * History reads on SQLite: a read-only connection of its own (WAL: never blocked by the writer thread).
 * Queries are small and indexed (primary keys lead with device and parameter), so running them on the
 * event loop costs less than handing them to another thread.
 */
export function sqliteHistory(path: string): HistorySource {
  const db = new Database(path, { readonly: true, fileMustExist: true, timeout: 10_000 });
  db.defaultSafeIntegers(false);
  const pairOf = db.prepare(
    'SELECT d.id AS deviceId, p.id AS paramId FROM device d, parameter p WHERE d.serial = ? AND p.name = ?',
  );
  const rawOne = db.prepare(
    `SELECT t, num, text FROM (
       SELECT t, num, text FROM ${HISTORY_TABLE} WHERE device_id = @d AND param_id = @p AND t >= @from AND t < @to AND t > @after
       UNION ALL
       SELECT t, num, text FROM ${LOG_TABLE} WHERE bucket = @b AND device_id = @d AND param_id = @p AND t >= @from AND t < @to AND t > @after
     ) ORDER BY t LIMIT @limit`,
  );
  const logOne = db.prepare(
    `SELECT t, num, text FROM ${LOG_TABLE} WHERE bucket = @b AND device_id = @d AND param_id = @p AND t >= @from AND t < @to ORDER BY t`,
  );
  const rollupOne = {
    rollup_minute: db.prepare(
      'SELECT bucket, min, max, sum, count, last, last_t AS lastT FROM rollup_minute WHERE device_id = ? AND param_id = ? AND bucket >= ? AND bucket < ? ORDER BY bucket',
    ),
    rollup_hour: db.prepare(
      'SELECT bucket, min, max, sum, count, last, last_t AS lastT FROM rollup_hour WHERE device_id = ? AND param_id = ? AND bucket >= ? AND bucket < ? ORDER BY bucket',
    ),
  };
  const idsOf = db.prepare('SELECT serial, id FROM device WHERE serial IN (SELECT value FROM json_each(?))');
  const paramOf = db.prepare('SELECT id FROM parameter WHERE name = ?').pluck();
  // Devices as a JSON list: SQLite seeks each in the key, with no call into SQLite per device.
  const fleetRollupSql = (table: RollupTable) =>
    db
      .prepare(
        `SELECT r.device_id, r.bucket, r.sum, r.count, r.min, r.max, r.last, r.last_t
         FROM json_each(?) j CROSS JOIN ${table} r ON r.device_id = j.value AND r.param_id = ? AND r.bucket >= ? AND r.bucket < ?`,
      )
      .raw();
  const fleetRollup = { rollup_minute: fleetRollupSql('rollup_minute'), rollup_hour: fleetRollupSql('rollup_hour') };
  // The log by bucket and time (its key): one pass over what is not moved yet, whatever the number of devices.
  const fleetLogRows = db
    .prepare(
      `SELECT device_id, t, num FROM ${LOG_TABLE} WHERE bucket = ? AND t >= ? AND t < ? AND param_id = ? AND num IS NOT NULL`,
    )
    .raw();
  const begin = db.prepare('BEGIN');
  const commit = db.prepare('COMMIT');
  let snapshots = 0;
  const args = (p: Pair, from: number, to: number, after = -1, limit = -1) => ({
    d: p.deviceId,
    p: p.paramId,
    b: logBucket(p.deviceId),
    from,
    to,
    after,
    limit,
  });
  // One indexed range read per pair: SQLite has no network round trip to save by merging them. The reads
  // run on the event loop, so many pairs are read in slices that let device frames be answered between.
  const each = async <T>(pairs: readonly Pair[], read: (p: Pair) => T[]) => {
    const rows: Array<[number, number, T]> = [];
    let slice = performance.now();
    for (const p of pairs) {
      for (const row of read(p)) rows.push([p.deviceId, p.paramId, row]);
      if (performance.now() - slice > SLICE_MS) {
        await setImmediate();
        slice = performance.now();
      }
    }
    return byPair(rows);
  };
  return {
    async pair(serial, name) {
      return (pairOf.get(serial, name) as Pair | undefined) ?? null;
    },
    async raw(pairs, from, to, limit) {
      return each(pairs, (p) => rawOne.all(args(p, from, to, -1, limit)) as RawRow[]);
    },
    async rawPage(pair, from, to, afterT, limit) {
      return rawOne.all(args(pair, from, to, afterT, limit)) as RawRow[];
    },
    async rollups(table: RollupTable, pairs, from, to) {
      return each(pairs, (p) => rollupOne[table].all(p.deviceId, p.paramId, from, to) as RollupRow[]);
    },
    async logRows(pairs, from, to) {
      return each(pairs, (p) => logOne.all(args(p, from, to)) as RawRow[]);
    },
    async deviceIds(serials) {
      const out = new Map<string, number>();
      for (let i = 0; i < serials.length; i += 10_000) {
        for (const row of idsOf.all(JSON.stringify(serials.slice(i, i + 10_000))) as Array<{ serial: string; id: number }>)
          out.set(row.serial, row.id);
        if (i + 10_000 < serials.length) await setImmediate();
      }
      return out;
    },
    async paramId(name) {
      return (paramOf.get(name) as number | undefined) ?? null;
    },
    async fleetRead(table, paramId, deviceIds, from, to, take) {
      // One read transaction: WAL keeps its snapshot while the writer moves the log; reads interleaved with
      // this one share it (they only see the database as of its start).
      if (snapshots++ === 0) begin.run();
      try {
        const wanted = new Set(deviceIds);
        const log: number[][] = [];
        for (let b = 0; b < LOG_BUCKETS; b++) {
          for (const row of fleetLogRows.all(b, from, to, paramId) as number[][]) if (wanted.has(row[0] as number)) log.push(row);
        }
        // Slices of devices sized to about FLEET_ROWS rows, each one statement, the loop free between them.
        const perDevice = Math.max(1, Math.ceil((to - from) / ROLLUP_WIDTH[table]));
        const slice = Math.max(1, Math.floor(FLEET_ROWS / perDevice));
        for (let i = 0; i < deviceIds.length; i += slice) {
          take(fleetRollup[table].all(JSON.stringify(deviceIds.slice(i, i + slice)), paramId, from, to) as number[][]);
          if (i + slice < deviceIds.length) await setImmediate();
        }
        return log;
      } finally {
        if (--snapshots === 0) commit.run();
      }
    },
    async close() {
      db.close();
    },
  };
}
