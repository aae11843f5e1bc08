import pg from 'pg';
import type { AlertWrite } from './alert-rows.ts';
import type { Dialect, IdRow, ParamRow } from './dialect.ts';
import { rollupUpsert } from './rollup-sql.ts';
import { HISTORY_TABLE, LOG_BUCKETS, LOG_TABLE, ROLLUPS } from './tables.ts';

const iso = (ms: number): string => new Date(ms).toISOString();
const isoOrNull = (ms: number | null): string | null => (ms === null ? null : iso(ms));

/**
 * One bucket of the log into history and the rollups, in one statement: every sub-statement sees the
 * same rows the DELETE took.
 */
const upserts = ROLLUPS.map((r) => rollupUpsert('postgres', r.table, r.width, 'moved', 'true'));
const MOVE_SQL = `WITH moved AS (
    DELETE FROM ${LOG_TABLE} WHERE bucket = $1 RETURNING device_id, param_id, t, num, text
  ),
  raw AS (
    INSERT INTO ${HISTORY_TABLE} (device_id, param_id, t, num, text)
    SELECT device_id, param_id, t, num, text FROM moved ORDER BY device_id, param_id, t
    ON CONFLICT (device_id, param_id, t) DO UPDATE SET num = EXCLUDED.num, text = EXCLUDED.text
  )${upserts
    .slice(0, -1)
    .map((u, i) => `,\n  up${i} AS (${u})`)
    .join('')}
  ${upserts.at(-1)}`;

/** A connection that takes longer than this to open fails (the thread is then started again). */
const CONNECT_TIMEOUT_MS = 5000;

/** Advisory lock space of the history log moves (any constant unique to this use). */
const MOVE_LOCK = 0x5a4f53;

/**
 * PostgreSQL: each step is one statement over arrays (unnest), so a batch of any size costs a
 * handful of round trips. Timestamps go in as UTC ISO text into `timestamp(3)` columns.
 */
export async function postgresDialect(url: string): Promise<Dialect> {
  const client = new pg.Client({
    connectionString: url,
    application_name: 'smart-os-writer',
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    keepAlive: true,
  });
  await client.connect();
  const run = async (sql: string, values: unknown[]) => {
    await client.query(sql, values);
  };
  const rows = async <T>(sql: string, values: unknown[]): Promise<T[]> =>
    (await client.query({ text: sql, values, rowMode: 'array' })).rows as T[];
  const transaction = async (work: () => Promise<void>): Promise<void> => {
    await client.query('BEGIN');
    try {
      await work();
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {});
      throw err;
    }
  };

  return {
    async loadIds() {
      return {
        devices: await rows<IdRow>('SELECT serial, id FROM device', []),
        params: await rows<ParamRow>('SELECT name, id, kind FROM parameter', []),
      };
    },
    transaction,
    async insertDevices(list, instance) {
      const serials = list.map((r) => r.serial);
      await run(
        `INSERT INTO device (serial, created_at, last_seen, online, instance, owner_id)
         SELECT s, c::timestamp, l::timestamp, true, $4, o FROM unnest($1::text[], $2::text[], $3::text[], $5::int[]) AS v(s, c, l, o)
         ON CONFLICT (serial) DO NOTHING`,
        [serials, list.map((r) => iso(r.createdAt)), list.map((r) => iso(r.lastSeen)), instance, list.map((r) => r.owner)],
      );
      return rows<IdRow>('SELECT serial, id FROM device WHERE serial = ANY($1::text[])', [serials]);
    },
    async insertParameters(list) {
      const names = list.map((r) => r.name);
      await run(
        `INSERT INTO parameter (name, kind, first_seen)
         SELECT n, k, f::timestamp FROM unnest($1::text[], $2::text[], $3::text[]) AS v(n, k, f)
         ON CONFLICT (name) DO NOTHING`,
        [names, list.map((r) => r.kind), list.map((r) => iso(r.firstSeen))],
      );
      return rows<ParamRow>('SELECT name, id, kind FROM parameter WHERE name = ANY($1::text[])', [names]);
    },
    async setKinds(ids, kinds) {
      await run(
        'UPDATE parameter p SET kind = v.k FROM unnest($1::int[], $2::text[]) AS v(id, k) WHERE p.id = v.id AND p.kind IS NULL',
        [ids, kinds],
      );
    },
    async touch(ids, lastSeen, instance) {
      await run(
        `UPDATE device d SET last_seen = GREATEST(d.last_seen, v.l::timestamp), online = true, instance = $3
         FROM unnest($1::int[], $2::text[]) AS v(id, l) WHERE d.id = v.id`,
        [ids, lastSeen.map(iso), instance],
      );
    },
    async claim(ids) {
      await run('UPDATE device SET claimed = true WHERE id = ANY($1::int[]) AND NOT claimed', [ids]);
    },
    async setOffline(ids, instance) {
      await run('UPDATE device SET online = false, instance = NULL WHERE id = ANY($1::int[]) AND instance = $2', [ids, instance]);
    },
    async upsertValues(deviceIds, paramIds, values) {
      await run(
        `INSERT INTO device_value (device_id, param_id, value) SELECT * FROM unnest($1::int[], $2::int[], $3::text[])
         ON CONFLICT (device_id, param_id) DO UPDATE SET value = EXCLUDED.value`,
        [deviceIds, paramIds, values],
      );
    },
    async appendHistory(deviceIds, paramIds, ts, nums, texts) {
      await run(
        `INSERT INTO ${LOG_TABLE} (bucket, t, device_id, param_id, num, text)
         SELECT d % ${LOG_BUCKETS}, t, d, p, n, x FROM unnest($1::int[], $2::int[], $3::bigint[], $4::float8[], $5::text[]) AS v(d, p, t, n, x)
         ON CONFLICT (bucket, t, device_id, param_id) DO UPDATE SET num = EXCLUDED.num, text = EXCLUDED.text`,
        [deviceIds, paramIds, ts, nums, texts],
      );
    },
    async moveToHistory(bucket) {
      // Instances sharing the database share the log: one moves a bucket at a time, the others skip it.
      await client.query('BEGIN');
      try {
        const { rows: locked } = await client.query('SELECT pg_try_advisory_xact_lock($1, $2) AS ok', [MOVE_LOCK, bucket]);
        // DELETE … RETURNING takes exactly the rows it removes: a row another instance commits meanwhile
        // stays in the log for the next move, never deleted unmoved.
        if (locked[0]?.ok) {
          await run(MOVE_SQL, [bucket]);
        }
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK').catch(() => {});
        throw err;
      }
    },
    async pairs() {
      return rows<[number, number]>('SELECT device_id, param_id FROM device_value ORDER BY device_id, param_id', []);
    },
    async prune(list, cuts) {
      const devices = list.map(([d]) => d);
      const params = list.map(([, p]) => p);
      const tables: Array<[string, string, number | null]> = [
        [HISTORY_TABLE, 't', cuts.raw],
        ...ROLLUPS.map((r): [string, string, number | null] => [r.table, 'bucket', cuts[r.retention]]),
      ];
      for (const [table, column, cut] of tables) {
        if (cut === null) continue;
        await run(
          `DELETE FROM ${table} h USING unnest($1::int[], $2::int[]) AS p(d, q)
           WHERE h.device_id = p.d AND h.param_id = p.q AND h.${column} < $3`,
          [devices, params, cut],
        );
      }
    },
    async logRows() {
      const [row] = await rows<[string]>(`SELECT count(*) FROM ${LOG_TABLE}`, []);
      return Number(row?.[0] ?? 0);
    },
    async writeAlerts(w) {
      try {
        await transaction(async () => {
          // The fence: renewing a lease this instance no longer holds finds no row, and nothing is written.
          if (w.fence) {
            const renewed = await client.query(
              'UPDATE lease SET until = $1::timestamp WHERE name = $2 AND owner = $3 AND until > $4::timestamp',
              [iso(w.fence.until), w.fence.lease, w.fence.instance, iso(w.fence.now)],
            );
            if (renewed.rowCount === 0) throw FENCED;
          }
          await writeAlertRows(run, w);
        });
        return true;
      } catch (err) {
        if (err === FENCED) return false;
        throw err;
      }
    },
    async close() {
      await client.end();
    },
  };
}

const FENCED = new Error('fenced out');

/** Rows as one array per column (what `unnest` takes). */
function columns<T>(list: readonly T[], ...pick: Array<(row: T) => unknown>): unknown[][] {
  return pick.map((get) => list.map(get));
}

/** The alerts' rows, a statement per table over arrays. */
async function writeAlertRows(run: (sql: string, values: unknown[]) => Promise<void>, w: AlertWrite): Promise<void> {
  if (w.deletes.length > 0)
    await run(
      'DELETE FROM alert_state a USING unnest($1::int[], $2::text[]) AS v(r, s) WHERE a.rule_id = v.r AND a.serial = v.s',
      columns(
        w.deletes,
        ([r]) => r,
        ([, s]) => s,
      ),
    );
  if (w.upserts.length > 0)
    await run(
      `INSERT INTO alert_state (rule_id, serial, state, since, due_at, value, fired_at, ack_user_id, ack_at, ack_comment, flips, suppressed)
       SELECT * FROM unnest($1::int[], $2::text[], $3::text[], $4::timestamp[], $5::timestamp[], $6::text[], $7::timestamp[],
         $8::int[], $9::timestamp[], $10::text[], $11::text[], $12::int[])
       ON CONFLICT (rule_id, serial) DO UPDATE SET state = EXCLUDED.state, since = EXCLUDED.since, due_at = EXCLUDED.due_at,
         value = EXCLUDED.value, fired_at = EXCLUDED.fired_at, ack_user_id = EXCLUDED.ack_user_id, ack_at = EXCLUDED.ack_at,
         ack_comment = EXCLUDED.ack_comment, flips = EXCLUDED.flips, suppressed = EXCLUDED.suppressed`,
      columns(
        w.upserts,
        (r) => r.ruleId,
        (r) => r.serial,
        (r) => r.state,
        (r) => iso(r.since),
        (r) => isoOrNull(r.dueAt),
        (r) => r.value,
        (r) => isoOrNull(r.firedAt),
        (r) => r.ackUserId,
        (r) => isoOrNull(r.ackAt),
        (r) => r.ackComment,
        (r) => r.flips,
        (r) => r.suppressed,
      ),
    );
  if (w.events.length > 0)
    await run(
      `INSERT INTO alert_event (rule_id, serial, "from", "to", at, value, user_id, comment)
       SELECT * FROM unnest($1::int[], $2::text[], $3::text[], $4::text[], $5::timestamp[], $6::text[], $7::int[], $8::text[])`,
      columns(
        w.events,
        (r) => r.ruleId,
        (r) => r.serial,
        (r) => r.from,
        (r) => r.to,
        (r) => iso(r.at),
        (r) => r.value,
        (r) => r.userId,
        (r) => r.comment,
      ),
    );
  if (w.notifications.length > 0)
    await run(
      `INSERT INTO notification (channel_id, rule_id, serial, kind, body, state, attempts, next_at, created_at)
       SELECT c, r, s, k, b, 'PENDING', 0, t, t FROM unnest($1::int[], $2::int[], $3::text[], $4::text[], $5::text[], $6::timestamp[])
         AS v(c, r, s, k, b, t)`,
      columns(
        w.notifications,
        (r) => r.channelId,
        (r) => r.ruleId,
        (r) => r.serial,
        (r) => r.kind,
        (r) => r.body,
        (r) => iso(r.at),
      ),
    );
}
