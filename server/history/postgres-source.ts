import pg from 'pg';
import { HISTORY_TABLE, LOG_BUCKETS, LOG_TABLE, logBucket, type RollupTable } from '../storage/tables.ts';
import { byPair, type HistorySource, type Pair, type RawRow, type RollupRow } from './rows.ts';

// bigint columns (t, bucket) as numbers: milliseconds fit in 2^53.
const asNumber = (v: string) => Number(v);

/** History reads on PostgreSQL: one statement for all the pairs of a request. */
export function postgresHistory(url: string): HistorySource {
  const pool = new pg.Pool({
    connectionString: url,
    max: 4,
    application_name: 'smart-os-history',
    connectionTimeoutMillis: 5000,
  });
  const parser = (oid: number, format?: string) => (oid === 20 ? asNumber : pg.types.getTypeParser(oid, format as 'text'));
  const query = async <T>(text: string, values: unknown[]): Promise<T[]> =>
    (
      await pool.query({
        text,
        values,
        types: {
          getTypeParser: (oid: number, format?: string) =>
            oid === 20 ? asNumber : pg.types.getTypeParser(oid, format as 'text'),
        },
      })
    ).rows as T[];
  const columns = (pairs: readonly Pair[]) => [pairs.map((p) => p.deviceId), pairs.map((p) => p.paramId)];
  return {
    async pair(serial, name) {
      const [row] = await query<Pair>(
        'SELECT d.id AS "deviceId", p.id AS "paramId" FROM device d, parameter p WHERE d.serial = $1 AND p.name = $2',
        [serial, name],
      );
      return row ?? null;
    },
    async raw(pairs, from, to, limit) {
      const rows = await query<{ d: number; p: number; t: number; num: number | null; text: string | null }>(
        `SELECT d, p, t, num, text FROM (
           SELECT x.d, x.p, h.t, h.num, h.text, row_number() OVER (PARTITION BY x.d, x.p ORDER BY h.t) AS rn
           FROM unnest($1::int[], $2::int[]) AS x(d, p)
           CROSS JOIN LATERAL (
             SELECT t, num, text FROM ${HISTORY_TABLE} WHERE device_id = x.d AND param_id = x.p AND t >= $3 AND t < $4
             UNION ALL
             SELECT t, num, text FROM ${LOG_TABLE} WHERE bucket = x.d % ${LOG_BUCKETS} AND device_id = x.d AND param_id = x.p AND t >= $3 AND t < $4
           ) h
         ) ranked WHERE rn <= $5 ORDER BY d, p, t`,
        [...columns(pairs), from, to, limit],
      );
      return byPair(rows.map((r): [number, number, RawRow] => [r.d, r.p, { t: r.t, num: r.num, text: r.text }]));
    },
    async rawPage(pair, from, to, afterT, limit) {
      return query<RawRow>(
        `SELECT t, num, text FROM ${HISTORY_TABLE} WHERE device_id = $1 AND param_id = $2 AND t >= $3 AND t < $4 AND t > $5
         UNION ALL
         SELECT t, num, text FROM ${LOG_TABLE} WHERE bucket = $6 AND device_id = $1 AND param_id = $2 AND t >= $3 AND t < $4 AND t > $5
         ORDER BY t LIMIT $7`,
        [pair.deviceId, pair.paramId, from, to, afterT, logBucket(pair.deviceId), limit],
      );
    },
    async rollups(table: RollupTable, pairs, from, to) {
      const rows = await query<{ d: number; p: number } & RollupRow>(
        `SELECT r.device_id AS d, r.param_id AS p, r.bucket, r.min, r.max, r.sum, r.count, r.last, r.last_t AS "lastT"
         FROM unnest($1::int[], $2::int[]) AS x(d, p)
         JOIN ${table} r ON r.device_id = x.d AND r.param_id = x.p AND r.bucket >= $3 AND r.bucket < $4
         ORDER BY r.device_id, r.param_id, r.bucket`,
        [...columns(pairs), from, to],
      );
      return byPair(rows.map(({ d, p, ...row }): [number, number, RollupRow] => [d, p, row]));
    },
    async logRows(pairs, from, to) {
      const rows = await query<{ d: number; p: number } & RawRow>(
        `SELECT l.device_id AS d, l.param_id AS p, l.t, l.num, l.text
         FROM unnest($1::int[], $2::int[]) AS x(d, p)
         JOIN ${LOG_TABLE} l ON l.bucket = x.d % ${LOG_BUCKETS} AND l.device_id = x.d AND l.param_id = x.p AND l.t >= $3 AND l.t < $4
         ORDER BY l.device_id, l.param_id, l.t`,
        [...columns(pairs), from, to],
      );
      return byPair(rows.map(({ d, p, ...row }): [number, number, RawRow] => [d, p, row]));
    },
    async deviceIds(serials) {
      const rows = await query<{ serial: string; id: number }>('SELECT serial, id FROM device WHERE serial = ANY($1::text[])', [
        serials,
      ]);
      return new Map(rows.map((r) => [r.serial, r.id]));
    },
    async paramId(name) {
      const [row] = await query<{ id: number }>('SELECT id FROM parameter WHERE name = $1', [name]);
      return row?.id ?? null;
    },
    async fleetRead(table, paramId, deviceIds, from, to, take) {
      // One snapshot (REPEATABLE READ) on one connection: a move of the log meanwhile is seen whole or not at all.
      const client = await pool.connect();
      const q = async <T>(text: string, values: unknown[]) =>
        (await client.query({ text, values, types: { getTypeParser: parser } })).rows as T[];
      try {
        await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
        const log = await q<{ d: number; t: number; num: number }>(
          `SELECT device_id AS d, t, num FROM ${LOG_TABLE}
           WHERE bucket = ANY($1::int[]) AND t >= $2 AND t < $3 AND param_id = $4 AND num IS NOT NULL AND device_id = ANY($5::int[])`,
          [Array.from({ length: LOG_BUCKETS }, (_, b) => b), from, to, paramId, deviceIds],
        );
        // Slices of devices, so a fleet's rows are never all in memory at once.
        for (let i = 0; i < deviceIds.length; i += 2000) {
          const rows = await q<{ d: number } & RollupRow>(
            `SELECT r.device_id AS d, r.bucket, r.sum, r.count, r.min, r.max, r.last, r.last_t AS "lastT"
             FROM unnest($1::int[]) AS x(d) JOIN ${table} r ON r.device_id = x.d AND r.param_id = $2 AND r.bucket >= $3 AND r.bucket < $4`,
            [deviceIds.slice(i, i + 2000), paramId, from, to],
          );
          take(rows.map((r) => [r.d, r.bucket, r.sum, r.count, r.min, r.max, r.last, r.lastT]));
        }
        await client.query('COMMIT');
        return log.map((r) => [r.d, r.t, r.num]);
      } catch (err) {
        await client.query('ROLLBACK').catch(() => {});
        throw err;
      } finally {
        client.release();
      }
    },
    async close() {
      await pool.end();
    },
  };
}
