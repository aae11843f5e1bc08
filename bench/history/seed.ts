// `npm run bench:history:seed -- [--dir data-bench-history] [--devices 1000] [--params 5] [--days 7] [--every 60]`
// Writes a history straight into a SQLite database (not through the live path): every point of every
// device and parameter in `history`, plus the minute and hour rollups the writer would have kept.

import { existsSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { parseConfig } from '../../server/config.ts';
import { createLogger } from '../../server/logger.ts';
import { openDatabase } from '../../server/storage/database.ts';
import { sqliteFile } from '../../server/storage/sqlite-url.ts';

const { values: args } = parseArgs({
  options: {
    dir: { type: 'string', default: 'data-bench-history' },
    devices: { type: 'string', default: '1000' },
    params: { type: 'string', default: '5' },
    days: { type: 'string', default: '7' },
    every: { type: 'string', default: '60' },
  },
});
const dir = resolve(args.dir);
const devices = Number(args.devices);
const params = Number(args.params);
const spanMs = Number(args.days) * 86_400_000;
const everyMs = Number(args.every) * 1000;
const NAMES = ['battery', 'power_income', 'inject_power', 'temperature', 'voltage', 'current', 'humidity', 'load'];
if (params > NAMES.length) throw new Error(`at most ${NAMES.length} parameters`);

if (existsSync(dir)) rmSync(dir, { recursive: true });
const config = parseConfig({ dataDir: dir });
const prisma = await openDatabase(config, createLogger('warn', false));
await prisma.$disconnect();

const path = sqliteFile(config.databaseUrl);
const db = new Database(path);
// A bulk load: nothing else reads the file until it is done.
db.pragma('journal_mode = OFF');
db.pragma('synchronous = OFF');
db.pragma('cache_size = -1000000');

const started = performance.now();
const end = Math.floor(Date.now() / 60_000) * 60_000;
const start = end - spanMs;
const ROWS = 100; // rows per INSERT statement: fewer calls into SQLite
const many = (sql: string, columns: number) =>
  db.prepare(`${sql} VALUES ${Array.from({ length: ROWS }, () => `(${Array(columns).fill('?').join(',')})`).join(',')}`);
const one = (sql: string, columns: number) => db.prepare(`${sql} VALUES (${Array(columns).fill('?').join(',')})`);
const insertHistory = {
  many: many('INSERT INTO history (device_id, param_id, t, num)', 4),
  one: one('INSERT INTO history (device_id, param_id, t, num)', 4),
};
const rollupSql = (table: string) => `INSERT INTO ${table} (device_id, param_id, bucket, min, max, sum, count, last, last_t)`;
const insertMinute = { many: many(rollupSql('rollup_minute'), 9), one: one(rollupSql('rollup_minute'), 9) };
const insertHour = { many: many(rollupSql('rollup_hour'), 9), one: one(rollupSql('rollup_hour'), 9) };

function flush(target: { many: Database.Statement; one: Database.Statement }, rows: number[][]): void {
  let i = 0;
  for (; i + ROWS <= rows.length; i += ROWS) target.many.run(rows.slice(i, i + ROWS).flat());
  for (; i < rows.length; i++) target.one.run(rows[i]);
}

function rollup(points: Array<[number, number]>, width: number, deviceId: number, paramId: number): number[][] {
  const out: number[][] = [];
  let row: number[] | null = null;
  for (const [t, v] of points) {
    const bucket = t - (t % width);
    if (!row || row[2] !== bucket) {
      row = [deviceId, paramId, bucket, v, v, 0, 0, v, t];
      out.push(row);
    }
    row[3] = Math.min(row[3] as number, v);
    row[4] = Math.max(row[4] as number, v);
    row[5] = (row[5] as number) + v;
    row[6] = (row[6] as number) + 1;
    row[7] = v;
    row[8] = t;
  }
  return out;
}

const insertParam = db.prepare("INSERT INTO parameter (name, kind, first_seen) VALUES (?, 'number', ?)");
const insertDevice = db.prepare('INSERT INTO device (serial, created_at, last_seen, online) VALUES (?, ?, ?, 0)');
const insertValue = db.prepare('INSERT INTO device_value (device_id, param_id, value) VALUES (?, ?, ?)');
const paramIds = NAMES.slice(0, params).map((name) => Number(insertParam.run(name, start).lastInsertRowid));

let seed = 1;
const random = () => {
  seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
  return seed / 2 ** 31;
};

let points = 0;
const device = db.transaction((index: number) => {
  const serial = `h${String(index).padStart(6, '0')}`;
  const id = Number(insertDevice.run(serial, start, end).lastInsertRowid);
  for (const paramId of paramIds) {
    // A random walk at irregular times, one point per `every` on average.
    const series: Array<[number, number]> = [];
    let v = random() * 100;
    for (let t = start + Math.floor(random() * everyMs); t < end; t += 1 + Math.floor(random() * (2 * everyMs - 1))) {
      v = Math.round((v + (random() - 0.5) * 4) * 100) / 100;
      series.push([t, v]);
    }
    flush(
      insertHistory,
      series.map(([t, value]) => [id, paramId, t, value]),
    );
    flush(insertMinute, rollup(series, 60_000, id, paramId));
    flush(insertHour, rollup(series, 3_600_000, id, paramId));
    insertValue.run(id, paramId, JSON.stringify(series.at(-1)?.[1] ?? null));
    points += series.length;
  }
});

for (let i = 0; i < devices; i++) {
  device(i);
  if ((i + 1) % 100 === 0) {
    const s = (performance.now() - started) / 1000;
    console.log(
      `${i + 1} devices, ${(points / 1e6).toFixed(1)} M points, ${s.toFixed(0)} s (${Math.round(points / s).toLocaleString('en')} points/s)`,
    );
  }
}
db.pragma('journal_mode = WAL');
db.close();
const seconds = (performance.now() - started) / 1000;
console.log(
  `seeded ${points.toLocaleString('en')} points of ${devices} devices × ${params} parameters over ${args.days} days in ${seconds.toFixed(0)} s into ${join(dir, 'smart-os.db')}`,
);
