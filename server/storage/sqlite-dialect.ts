import Database from 'better-sqlite3';
import type { ParameterKind } from '../state/fleet.ts';
import type { AlertWrite } from './alert-rows.ts';
import type { NewDevice, NewParameter } from './batch.ts';
import type { Dialect, IdRow, ParamRow, PruneCuts } from './dialect.ts';
import { rollupUpsert } from './rollup-sql.ts';
import { HISTORY_TABLE, LOG_TABLE, logBucket, ROLLUPS } from './tables.ts';

export type SqliteSync = 'FULL' | 'NORMAL';

/** Opens a connection with the settings every connection to the database file shares. */
export function openSqliteFile(path: string, synchronous: SqliteSync): Database.Database {
  const db = new Database(path, { timeout: 10_000 });
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${synchronous}`);
  db.pragma('foreign_keys = ON');
  // Checkpoint every 64 MiB of WAL, not every 4 MiB: frames of many devices dirty pages all over the device
  // and value tables, and a checkpoint writes each dirty page once however often the WAL holds it.
  db.pragma('wal_autocheckpoint = 16384');
  db.pragma(`journal_size_limit = ${64 * 1024 * 1024}`);
  return db;
}

/**
 * SQLite through better-sqlite3 with statements prepared once: the writer runs in its own thread,
 * so these synchronous calls never hold up the event loop that serves devices.
 */
export function sqliteDialect(path: string, synchronous: SqliteSync): Dialect {
  const db = openSqliteFile(path, synchronous);
  // Up to 256 MiB of pages for the writer (SQLite's default is 2 MiB; it grows only as used): with 100,000
  // devices the leaf pages that commits and log moves touch, one per device and parameter, stay in memory.
  db.pragma('cache_size = -262144');
  // Dates are integer milliseconds, the format the Prisma client is configured to read.
  const insertDevice = db.prepare(
    'INSERT INTO device (serial, created_at, last_seen, online, instance, owner_id) VALUES (?, ?, ?, 1, ?, ?) ON CONFLICT (serial) DO NOTHING',
  );
  const deviceId = db.prepare('SELECT id FROM device WHERE serial = ?').pluck();
  const insertParam = db.prepare('INSERT INTO parameter (name, kind, first_seen) VALUES (?, ?, ?) ON CONFLICT (name) DO NOTHING');
  const paramRow = db.prepare('SELECT id, kind FROM parameter WHERE name = ?');
  const setKind = db.prepare('UPDATE parameter SET kind = ? WHERE id = ? AND kind IS NULL');
  const touch = db.prepare('UPDATE device SET last_seen = max(coalesce(last_seen, 0), ?), online = 1, instance = ? WHERE id = ?');
  const offline = db.prepare('UPDATE device SET online = 0, instance = NULL WHERE id = ? AND instance = ?');
  const claim = db.prepare('UPDATE device SET claimed = 1 WHERE id = ?');
  const upsertValue = db.prepare(
    'INSERT INTO device_value (device_id, param_id, value) VALUES (?, ?, ?) ON CONFLICT (device_id, param_id) DO UPDATE SET value = excluded.value',
  );
  const appendHistory = db.prepare(
    `INSERT INTO ${LOG_TABLE} (bucket, t, device_id, param_id, num, text) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (bucket, t, device_id, param_id) DO UPDATE SET num = excluded.num, text = excluded.text`,
  );
  const moveRows = db.prepare(
    `INSERT INTO ${HISTORY_TABLE} (device_id, param_id, t, num, text)
     SELECT device_id, param_id, t, num, text FROM ${LOG_TABLE} WHERE bucket = ? ORDER BY device_id, param_id, t
     ON CONFLICT (device_id, param_id, t) DO UPDATE SET num = excluded.num, text = excluded.text`,
  );
  const rollups = ROLLUPS.map((r) => db.prepare(rollupUpsert('sqlite', r.table, r.width, LOG_TABLE, 'bucket = ?')));
  const dropMoved = db.prepare(`DELETE FROM ${LOG_TABLE} WHERE bucket = ?`);
  const move = db.transaction((bucket: number) => {
    moveRows.run(bucket);
    for (const rollup of rollups) rollup.run(bucket);
    dropMoved.run(bucket);
  });
  const logRows = db.prepare(`SELECT count(*) FROM ${LOG_TABLE}`).pluck();
  const pairs = db.prepare('SELECT device_id, param_id FROM device_value ORDER BY device_id, param_id').raw();
  const pruneRaw = db.prepare(`DELETE FROM ${HISTORY_TABLE} WHERE device_id = ? AND param_id = ? AND t < ?`);
  const pruneRollup = ROLLUPS.map((r) =>
    db.prepare(`DELETE FROM ${r.table} WHERE device_id = ? AND param_id = ? AND bucket < ?`),
  );
  const prune = db.transaction((list: Array<[number, number]>, cuts: PruneCuts) => {
    const rollupCuts = [cuts.minute, cuts.hour];
    for (const [device, param] of list) {
      if (cuts.raw !== null) pruneRaw.run(device, param, cuts.raw);
      rollupCuts.forEach((cut, i) => {
        if (cut !== null) pruneRollup[i]?.run(device, param, cut);
      });
    }
  });
  const alerts = alertStatements(db);

  return {
    async loadIds() {
      const devices = db.prepare('SELECT serial, id FROM device').raw().all() as IdRow[];
      const params = db.prepare('SELECT name, id, kind FROM parameter').raw().all() as ParamRow[];
      return { devices, params };
    },
    async transaction(work) {
      db.exec('BEGIN IMMEDIATE');
      try {
        await work();
        db.exec('COMMIT');
      } catch (err) {
        if (db.inTransaction) db.exec('ROLLBACK');
        throw err;
      }
    },
    async insertDevices(rows: NewDevice[], instance: string) {
      return rows.map((r): IdRow => {
        insertDevice.run(r.serial, r.createdAt, r.lastSeen, instance, r.owner);
        return [r.serial, deviceId.get(r.serial) as number];
      });
    },
    async insertParameters(rows: NewParameter[]) {
      return rows.map((r): ParamRow => {
        insertParam.run(r.name, r.kind, r.firstSeen);
        const row = paramRow.get(r.name) as { id: number; kind: string | null };
        return [r.name, row.id, row.kind];
      });
    },
    async setKinds(ids: number[], kinds: ParameterKind[]) {
      for (let i = 0; i < ids.length; i++) setKind.run(kinds[i], ids[i]);
    },
    async touch(ids, lastSeen, instance) {
      for (let i = 0; i < ids.length; i++) touch.run(lastSeen[i], instance, ids[i]);
    },
    async claim(ids) {
      for (const id of ids) claim.run(id);
    },
    async setOffline(ids, instance) {
      for (const id of ids) offline.run(id, instance);
    },
    async upsertValues(deviceIds, paramIds, values) {
      for (let i = 0; i < deviceIds.length; i++) upsertValue.run(deviceIds[i], paramIds[i], values[i]);
    },
    async appendHistory(deviceIds, paramIds, ts, nums, texts) {
      for (let i = 0; i < deviceIds.length; i++) {
        const device = deviceIds[i] as number;
        appendHistory.run(logBucket(device), ts[i], device, paramIds[i], nums[i], texts[i]);
      }
    },
    async moveToHistory(bucket) {
      move(bucket);
    },
    async logRows() {
      return logRows.get() as number;
    },
    async pairs() {
      return pairs.all() as Array<[number, number]>;
    },
    async prune(list, cuts) {
      prune(list, cuts);
    },
    async writeAlerts(write) {
      return alerts(write);
    },
    async close() {
      db.close();
    },
  };
}

/** The alerts' batch (alert-rows.ts) as one immediate transaction; false when the fence's lease is lost. */
function alertStatements(db: Database.Database): (write: AlertWrite) => boolean {
  const renew = db.prepare('UPDATE lease SET until = ? WHERE name = ? AND owner = ? AND until > ?');
  const remove = db.prepare('DELETE FROM alert_state WHERE rule_id = ? AND serial = ?');
  const upsert = db.prepare(
    `INSERT INTO alert_state (rule_id, serial, state, since, due_at, value, fired_at, ack_user_id, ack_at, ack_comment, flips, suppressed)
     VALUES (@ruleId, @serial, @state, @since, @dueAt, @value, @firedAt, @ackUserId, @ackAt, @ackComment, @flips, @suppressed)
     ON CONFLICT (rule_id, serial) DO UPDATE SET state = excluded.state, since = excluded.since, due_at = excluded.due_at,
       value = excluded.value, fired_at = excluded.fired_at, ack_user_id = excluded.ack_user_id, ack_at = excluded.ack_at,
       ack_comment = excluded.ack_comment, flips = excluded.flips, suppressed = excluded.suppressed`,
  );
  const event = db.prepare(
    'INSERT INTO alert_event (rule_id, serial, "from", "to", at, value, user_id, comment) VALUES (@ruleId, @serial, @from, @to, @at, @value, @userId, @comment)',
  );
  const notification = db.prepare(
    `INSERT INTO notification (channel_id, rule_id, serial, kind, body, state, attempts, next_at, created_at)
     VALUES (@channelId, @ruleId, @serial, @kind, @body, 'PENDING', 0, @at, @at)`,
  );
  const fenced = new Error('fenced');
  const write = db.transaction((w: AlertWrite) => {
    if (w.fence && renew.run(w.fence.until, w.fence.lease, w.fence.instance, w.fence.now).changes === 0) throw fenced;
    for (const [ruleId, serial] of w.deletes) remove.run(ruleId, serial);
    for (const row of w.upserts) upsert.run(row);
    for (const row of w.events) event.run(row);
    for (const row of w.notifications) notification.run(row);
  });
  return (w) => {
    try {
      write.immediate(w);
      return true;
    } catch (err) {
      if (err === fenced) return false;
      throw err;
    }
  };
}
