import type { RollupTable } from './tables.ts';

/**
 * An upsert that folds raw rows (`from`: a table or CTE with device_id, param_id, t, num, filtered by
 * `where`) into a rollup table: min, max, sum and count add up; `last` is the value with the newest t.
 * SQLite and PostgreSQL differ only in how two values are compared.
 */
export function rollupUpsert(
  dialect: 'sqlite' | 'postgres',
  table: RollupTable,
  width: number,
  from: string,
  where: string,
): string {
  const [least, greatest] = dialect === 'sqlite' ? ['min', 'max'] : ['LEAST', 'GREATEST'];
  const old = (column: string) => (dialect === 'sqlite' ? column : `${table}.${column}`);
  return `INSERT INTO ${table} (device_id, param_id, bucket, min, max, sum, count, last, last_t)
    SELECT device_id, param_id, b, min(num), max(num), sum(num), count(*), max(CASE WHEN rn = 1 THEN num END), max(t)
    FROM (
      SELECT device_id, param_id, t, num, (t / ${width}) * ${width} AS b,
             row_number() OVER (PARTITION BY device_id, param_id, t / ${width} ORDER BY t DESC) AS rn
      FROM ${from} WHERE ${where} AND num IS NOT NULL
    ) AS raw
    WHERE true
    GROUP BY device_id, param_id, b
    ON CONFLICT (device_id, param_id, bucket) DO UPDATE SET
      min = ${least}(${old('min')}, excluded.min),
      max = ${greatest}(${old('max')}, excluded.max),
      sum = ${old('sum')} + excluded.sum,
      count = ${old('count')} + excluded.count,
      last = CASE WHEN excluded.last_t >= ${old('last_t')} THEN excluded.last ELSE ${old('last')} END,
      last_t = ${greatest}(${old('last_t')}, excluded.last_t)`;
}
