import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { quantile, root, rssBytes, startServerProcess } from '../server-process.ts';

const { values: args } = parseArgs({
  options: {
    dir: { type: 'string', default: 'data-bench-history' },
    queries: { type: 'string', default: '300' },
    warmup: { type: 'string', default: '30' },
    'export-devices': { type: 'string', default: '100' },
  },
});
const dir = resolve(args.dir);
const queries = Number(args.queries);
const warmup = Number(args.warmup);
const DAY = 86_400_000;

// What the seed wrote: serials and parameter names, and how many points there are.
const db = new Database(join(dir, 'smart-os.db'), { readonly: true });
const serials = db.prepare('SELECT serial FROM device ORDER BY serial').pluck().all() as string[];
const names = db.prepare('SELECT name FROM parameter ORDER BY id').pluck().all() as string[];
const totalPoints = db.prepare('SELECT count(*) FROM history').pluck().get() as number;
db.close();
if (serials.length === 0) throw new Error(`no devices in ${dir}: run npm run bench:history:seed first`);
console.log(`history: ${totalPoints.toLocaleString('en')} points, ${serials.length} devices × ${names.length} parameters`);

const server = await startServerProcess([], [], { DATA_DIR: dir, LOG_LEVEL: 'info' });
const pick = <T>(list: T[]) => list[Math.floor(Math.random() * list.length)] as T;

const TREND = `query Trend($serial: String!, $name: String!, $since: DateTime, $until: DateTime, $bucket: Int) {
  device(serial: $serial) { history(name: $name, since: $since, until: $until, bucketSeconds: $bucket) { t avg min max count } }
}`;

async function trend(spanMs: number, bucket: number | null): Promise<{ ms: number; points: number }> {
  const until = Date.now();
  const variables = {
    serial: pick(serials),
    name: pick(names),
    since: new Date(until - spanMs).toISOString(),
    until: new Date(until).toISOString(),
    bucket,
  };
  const started = performance.now();
  const res = await fetch(`${server.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: TREND, variables }),
  });
  const body = (await res.json()) as { data?: { device: { history: unknown[] } }; errors?: unknown };
  const ms = performance.now() - started;
  if (!body.data?.device) throw new Error(`trend failed: ${JSON.stringify(body.errors)}`);
  return { ms, points: body.data.device.history.length };
}

const cases = [
  { label: '7 d at 1 h', span: 7 * DAY, bucket: 3600 },
  { label: '24 h at 1 min', span: DAY, bucket: 60 },
  { label: '7 d, bucket chosen by the server', span: 7 * DAY, bucket: null },
  { label: '1 h raw', span: DAY / 24, bucket: null },
];
const trends: Record<string, unknown> = {};
for (const c of cases) {
  for (let i = 0; i < warmup; i++) await trend(c.span, c.bucket);
  const times: number[] = [];
  let points = 0;
  for (let i = 0; i < queries; i++) {
    const r = await trend(c.span, c.bucket);
    times.push(r.ms);
    points += r.points;
  }
  const row = {
    p50: +quantile(times, 0.5).toFixed(1),
    p95: +quantile(times, 0.95).toFixed(1),
    p99: +quantile(times, 0.99).toFixed(1),
    max: +Math.max(...times).toFixed(1),
    pointsPerAnswer: Math.round(points / queries),
  };
  trends[c.label] = row;
  console.log(`${c.label.padEnd(34)} p50 ${row.p50} ms  p95 ${row.p95} ms  p99 ${row.p99} ms  (${row.pointsPerAnswer} points)`);
}

async function exportRun(format: 'csv' | 'ndjson', devices: string[], bucket: number | null) {
  const until = Date.now();
  const q = new URLSearchParams({ since: new Date(until - 7 * DAY).toISOString(), until: new Date(until).toISOString() });
  // No device named: every device (a thousand names would not fit in a URL).
  if (devices.length < serials.length) for (const d of devices) q.append('device', d);
  if (bucket) q.set('bucket', String(bucket));
  let peakRss = rssBytes(server.proc.pid as number);
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, rssBytes(server.proc.pid as number));
  }, 100);
  const started = performance.now();
  const res = await fetch(`${server.url}/export.${format}?${q}`);
  if (!res.ok || !res.body) throw new Error(`export failed: ${res.status} ${await res.text()}`);
  let lines = 0;
  let bytes = 0;
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    bytes += chunk.length;
    for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines++;
  }
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  const rows = format === 'csv' ? lines - 1 : lines;
  const row = {
    rows,
    seconds: +seconds.toFixed(2),
    rowsPerSecond: Math.round(rows / seconds),
    megabytes: +(bytes / 1e6).toFixed(1),
    serverPeakRssMB: Math.round(peakRss / 1e6),
  };
  console.log(
    `export.${format} ${devices.length} devices${bucket ? ` at ${bucket} s` : ''}: ${rows.toLocaleString('en')} rows in ${row.seconds} s = ${row.rowsPerSecond.toLocaleString('en')} rows/s (${row.megabytes} MB, server RSS peak ${row.serverPeakRssMB} MB)`,
  );
  return row;
}

const exportDevices = serials.slice(0, Number(args['export-devices']));
const exports = {
  csv: await exportRun('csv', exportDevices, null),
  ndjson: await exportRun('ndjson', exportDevices, null),
  csvHourly: await exportRun('csv', serials, 3600),
};

server.proc.kill('SIGTERM');
const result = { at: new Date().toISOString(), totalPoints, devices: serials.length, parameters: names.length, trends, exports };
mkdirSync(join(root, 'bench/results'), { recursive: true });
writeFileSync(join(root, 'bench/results/history-sqlite.json'), `${JSON.stringify(result, null, 2)}\n`);
