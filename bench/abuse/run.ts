// `npm run bench:abuse -- [--devices 1000] [--rate 2000] [--seconds 15] [--clients 4]`
// What the device path costs when a signed-in client asks the most expensive query the limits still
// allow: ack latency of other devices without and with that client hammering the server, in one run.
import { type ChildProcess, fork } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Scalar } from '../../protocol/values.ts';
import { parseConfig } from '../../server/config.ts';
import { createLogger } from '../../server/logger.ts';
import { BatchWriter } from '../../server/storage/batch-writer.ts';
import { openDatabase } from '../../server/storage/database.ts';
import { sqliteDialect } from '../../server/storage/sqlite-dialect.ts';
import { sqliteFile } from '../../server/storage/sqlite-url.ts';
import type { DevicesJob, FromDevices } from '../ingest/devices.ts';
import { Histogram } from '../ingest/histogram.ts';
import { quantile, root, startServerProcess } from '../server-process.ts';

const { values: args } = parseArgs({
  options: {
    devices: { type: 'string', default: '1000' },
    rate: { type: 'string', default: '2000' },
    seconds: { type: 'string', default: '15' },
    clients: { type: 'string', default: '4' },
    seeded: { type: 'string', default: '500' },
    profile: { type: 'boolean', default: false },
  },
});
const seconds = Number(args.seconds);
const seeded = Number(args.seeded);
const POINTS = 1440; // a day of minutes per seeded device

// The most a client may ask (default cost limit 100,000, about the values an answer may hold): 49 devices'
// day of minutes (1,440 raw points each, so bucketed to the 1,000-point cap), two values a point: 98,000.
const SINCE = new Date(Date.now() - 86_400_000).toISOString();
const WORST = `{ devices(limit: 49, where: [{ field: "serial", op: STARTS_WITH, value: "h" }]) { nodes { serial history(name: "battery", since: "${SINCE}") { t avg } } } }`;
const REFUSED = `{ devices(limit: 500) { nodes { serial history(name: "battery", since: "${SINCE}") { t avg } } } }`;

const dataDir = mkdtempSync(join(tmpdir(), 'smartos-abuse-'));
const config = parseConfig({ dataDir, logLevel: 'warn' });
console.log(`seeding ${seeded} devices × ${POINTS} points`);
const prisma = await openDatabase(config, createLogger('warn', false));
await prisma.$disconnect();
const writer = new BatchWriter(sqliteDialect(sqliteFile(config.databaseUrl), 'NORMAL'), 'seed', { rows: 1e9, ms: 1e9 });
await writer.open();
const start = Date.now() - 86_400_000;
for (let d = 0; d < seeded; d += 50) {
  const items = [];
  for (let k = d; k < Math.min(seeded, d + 50); k++) {
    for (let i = 0; i < POINTS; i++) {
      items.push({
        serial: `h${String(k).padStart(4, '0')}`,
        t: start + i * 60_000,
        values: [['battery', (k + i) % 100] as [string, Scalar]],
      });
    }
  }
  await writer.write(items);
}
await writer.compactAll();
await writer.close();

const server = await startServerProcess(
  ['--data-dir', dataDir],
  args.profile ? ['--cpu-prof', `--cpu-prof-dir=${join(root, 'bench/results/profiles')}`] : [],
);
const loader: ChildProcess = fork(join(root, 'bench/ingest/devices.ts'), [], {
  execArgv: ['--import', 'tsx'],
  env: {
    ...process.env,
    BENCH_JOB: JSON.stringify({
      urls: [`${server.url.replace(/^http/, 'ws')}/update/`],
      first: 0,
      count: Number(args.devices),
      rate: Number(args.rate),
      connectPerSecond: 2000,
      localAddresses: ['127.0.0.1'],
    } satisfies DevicesJob),
  },
  stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
});
const next = <T extends FromDevices['op']>(op: T) =>
  new Promise<Extract<FromDevices, { op: T }>>((resolve) => {
    const on = (m: FromDevices) => {
      if (m.op !== op) return;
      loader.off('message', on);
      resolve(m as Extract<FromDevices, { op: T }>);
    };
    loader.on('message', on);
  });
await next('connected');
loader.send({ op: 'go' });
await new Promise((r) => setTimeout(r, 5000));

async function phase(label: string, clientCount: number) {
  const abuse = clientCount > 0;
  let stop = false;
  const latencies: number[] = [];
  let bytes = 0;
  let errors = 0;
  const client = async () => {
    while (!stop) {
      const t0 = performance.now();
      const res = await fetch(`${server.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: WORST }),
      });
      const text = await res.text();
      if (text.includes(`"errors"`)) errors++;
      bytes += text.length;
      latencies.push(performance.now() - t0);
    }
  };
  loader.send({ op: 'measure' });
  const clients = Array.from({ length: clientCount }, client);
  await new Promise((r) => setTimeout(r, seconds * 1000));
  stop = true;
  loader.send({ op: 'report' });
  const report = await next('report');
  await Promise.all(clients);
  const h = Histogram.fromSparse(report.histogram);
  const result = {
    label,
    acked: report.acked,
    ackedPerSecond: Math.round(report.acked / seconds),
    ackMs: { p50: h.percentile(50), p99: h.percentile(99), max: h.percentile(100) },
    ...(abuse
      ? {
          worstQueries: latencies.length,
          worstQueryErrors: errors,
          worstQueryMs: { p50: Math.round(quantile(latencies, 0.5)), p99: Math.round(quantile(latencies, 0.99)) },
          worstQueryMB: Math.round(bytes / latencies.length / 1e5) / 10,
        }
      : {}),
  };
  console.log(JSON.stringify(result));
  return result;
}

const baseline = await phase('no client', 0);
const one = await phase('1 client running the worst allowed query in a loop', 1);
const abused = await phase(`${args.clients} clients running it at once, in loops`, Number(args.clients));
const t0 = performance.now();
const refused = await (
  await fetch(`${server.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: REFUSED }),
  })
).text();
const refusedMs = Math.round((performance.now() - t0) * 10) / 10;
const out = {
  devices: Number(args.devices),
  rate: Number(args.rate),
  seededHistoryRows: seeded * POINTS,
  worstQuery: WORST,
  baseline,
  oneClient: one,
  abused,
  overTheLimit: { refusedInMs: refusedMs, answer: JSON.parse(refused) },
};
writeFileSync(join(root, 'bench/results/abuse-worst-query.json'), `${JSON.stringify(out, null, 2)}\n`);
loader.send({ op: 'stop' });
server.proc.kill('SIGTERM');
await new Promise((r) => server.proc.once('exit', r));
rmSync(dataDir, { recursive: true, force: true });
