// `npm run bench:ingest -- [--devices 10000] [--rate 20000] [--duration 60] ...`
// Real device sockets and real deviceUpdates subscribers against real server processes on this machine.
import { type ChildProcess, fork } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import {
  CLK_TCK,
  cpuTicks,
  machineTicks,
  root,
  rssBytes,
  type ServerProc,
  scrapeMetrics,
  startServerProcess,
} from '../server-process.ts';
import type { DevicesJob, FromDevices } from './devices.ts';
import { Histogram } from './histogram.ts';
import type { FromSubscribers, SubscribersJob } from './subscribers.ts';

const { values: args } = parseArgs({
  options: {
    devices: { type: 'string', default: '10000' },
    rate: { type: 'string', default: '20000' },
    duration: { type: 'string', default: '60' },
    warmup: { type: 'string', default: '10' },
    subscribers: { type: 'string', default: '10' },
    workers: { type: 'string', default: '2' },
    instances: { type: 'string', default: '1' },
    database: { type: 'string', default: 'sqlite' },
    'connect-rate': { type: 'string', default: '4000' },
    'sqlite-sync': { type: 'string', default: 'FULL' },
    label: { type: 'string' },
    profile: { type: 'boolean', default: false },
    'server-flag': { type: 'string', multiple: true, default: [] },
    'node-flag': { type: 'string', multiple: true, default: [] },
    /** `dist`: the compiled server `npm start` runs (this script builds it); `source`: through tsx. */
    entry: { type: 'string', default: 'dist' },
  },
});
const devicesTotal = Number(args.devices);
const rate = Number(args.rate);
const duration = Number(args.duration);
const warmup = Number(args.warmup);
const instances = Number(args.instances);
const workers = Number(args.workers);
const label = args.label ?? `${args.database}-${devicesTotal}d-${rate}fps-${instances}i`;

function startServer(flags: string[]): Promise<ServerProc> {
  const profiling = args.profile ? ['--cpu-prof', `--cpu-prof-dir=${join(root, 'bench/results/profiles')}`] : [];
  return startServerProcess(flags, [...profiling, ...(args['node-flag'] ?? [])], {}, args.entry === 'source' ? 'source' : 'dist');
}

function waitFor<T>(child: ChildProcess, op: string): Promise<T> {
  return new Promise((resolve) => {
    const on = (msg: { op: string }) => {
      if (msg.op !== op) return;
      child.off('message', on);
      resolve(msg as T);
    };
    child.on('message', on);
  });
}

function forkChild(file: string, job: unknown): ChildProcess {
  return fork(join(root, 'bench/ingest', file), [], {
    execArgv: ['--import', 'tsx', '--max-old-space-size=4096'],
    env: { ...process.env, BENCH_JOB: JSON.stringify(job) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
}

const dataDir = mkdtempSync(join(tmpdir(), 'smartos-bench-'));
let dropDatabase = async () => {};
let databaseUrl: string | undefined;
if (args.database === 'postgres') {
  const name = `smartos_bench_${Date.now()}`;
  const admin = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres' });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  databaseUrl = `postgres://postgres@127.0.0.1:5432/${name}`;
  dropDatabase = async () => {
    const a = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres' });
    await a.connect();
    await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await a.end();
  };
}

const serverFlags = (i: number) => [
  '--port',
  '0',
  '--log-level',
  'info',
  '--log-pretty',
  'false',
  '--data-dir',
  join(dataDir, `i${i}`),
  '--sqlite-sync',
  String(args['sqlite-sync']),
  ...(databaseUrl ? ['--database-url', databaseUrl] : []),
  ...(instances > 1 ? ['--redis-url', 'redis://127.0.0.1:6379'] : []),
  ...(args['server-flag'] ?? []),
];

console.log(
  `bench ${label}: ${devicesTotal} devices, ${rate} frames/s, ${args.subscribers} subscribers, ${instances} instance(s), ${args.database}`,
);
const servers: ServerProc[] = [];
for (let i = 0; i < instances; i++) servers.push(await startServer(serverFlags(i)));
const deviceUrls = servers.map((s) => `${s.url.replace(/^http/, 'ws')}/update/`);
const graphqlUrls = servers.map((s) => `${s.url.replace(/^http/, 'ws')}/graphql`);

const subscribers = forkChild('subscribers.ts', { urls: graphqlUrls, count: Number(args.subscribers) } satisfies SubscribersJob);
await waitFor(subscribers, 'subscribed');

const per = Math.ceil(devicesTotal / workers);
const loaders: ChildProcess[] = [];
const connectStarted = performance.now();
for (let w = 0; w < workers; w++) {
  const count = Math.min(per, devicesTotal - w * per);
  const job: DevicesJob = {
    urls: deviceUrls,
    first: w * per,
    count,
    rate: (rate * count) / devicesTotal,
    connectPerSecond: Number(args['connect-rate']) / workers,
    localAddresses: Array.from({ length: 8 }, (_, k) => `127.0.${w}.${k + 1}`),
  };
  loaders.push(forkChild('devices.ts', job));
}
const connected = await Promise.all(loaders.map((l) => waitFor<Extract<FromDevices, { op: 'connected' }>>(l, 'connected')));
const connectSeconds = (performance.now() - connectStarted) / 1000;
const totalConnected = connected.reduce((n, c) => n + c.connected, 0);
console.log(
  `connected ${totalConnected} devices in ${connectSeconds.toFixed(1)} s (${connected.reduce((n, c) => n + c.failed, 0)} failed)`,
);

for (const l of loaders) l.send({ op: 'go' });
await new Promise((r) => setTimeout(r, warmup * 1000));

const pids = servers.map((s) => s.proc.pid as number);
const startTicks = pids.map(cpuTicks);
const loaderTicks = loaders.map((l) => cpuTicks(l.pid as number));
const subTicks = cpuTicks(subscribers.pid as number);
const machineStart = machineTicks();
for (const c of [...loaders, subscribers]) c.send({ op: 'measure' });
const measureStart = performance.now();
let maxRss = 0;
const rssTimer = setInterval(() => {
  maxRss = Math.max(
    maxRss,
    pids.reduce((n, p) => n + rssBytes(p), 0),
  );
}, 1000);
// With --profile, a loop-delay trace too: the first server's event-loop delay each second (prom-client's
// histogram starts again at every scrape), to line up with the CPU profile.
const loopTrace: Array<{ s: number; p50: number; p99: number; max: number }> = [];
const traceTimer = args.profile
  ? setInterval(() => {
      void scrapeMetrics(servers[0]?.url as string).then((metrics) => {
        const ms = (name: string) =>
          Number(((metrics.get(`smartos_nodejs_eventloop_lag_${name}_seconds`) ?? 0) * 1000).toFixed(1));
        loopTrace.push({
          s: Math.round((performance.now() - measureStart) / 1000),
          p50: ms('p50'),
          p99: ms('p99'),
          max: ms('max'),
        });
      });
    }, 1000)
  : null;
await new Promise((r) => setTimeout(r, duration * 1000));
if (traceTimer) clearInterval(traceTimer);
const reports = await Promise.all(
  loaders.map((l) => {
    const p = waitFor<Extract<FromDevices, { op: 'report' }>>(l, 'report');
    l.send({ op: 'report' });
    return p;
  }),
);
const subReportP = waitFor<Extract<FromSubscribers, { op: 'report' }>>(subscribers, 'report');
subscribers.send({ op: 'report' });
const subReport = await subReportP;
const seconds = (performance.now() - measureStart) / 1000;
clearInterval(rssTimer);
const serverMetrics = await Promise.all(servers.map(async (s) => (await fetch(`${s.url}/metrics`)).text()));
maxRss = Math.max(
  maxRss,
  pids.reduce((n, p) => n + rssBytes(p), 0),
);
const serverCpu = pids.reduce((n, p, i) => n + cpuTicks(p) - (startTicks[i] ?? 0), 0) / CLK_TCK / seconds;
const loadCpu = loaders.reduce((n, l, i) => n + cpuTicks(l.pid as number) - (loaderTicks[i] ?? 0), 0) / CLK_TCK / seconds;
const subCpu = (cpuTicks(subscribers.pid as number) - subTicks) / CLK_TCK / seconds;
const machineEnd = machineTicks();
const machineBusy = (machineEnd.busy - machineStart.busy) / (machineEnd.total - machineStart.total);

/** Percentile from a Prometheus histogram's cumulative buckets (upper bound of the bucket). */
function bucketPercentile(texts: string[], name: string, p: number): number {
  const buckets = new Map<number, number>();
  for (const text of texts) {
    for (const m of text.matchAll(new RegExp(`^${name}_bucket\\{le="([^"]+)"\\} (\\d+)$`, 'gm'))) {
      const le = m[1] === '+Inf' ? Number.POSITIVE_INFINITY : Number(m[1]);
      buckets.set(le, (buckets.get(le) ?? 0) + Number(m[2]));
    }
  }
  const sorted = [...buckets.entries()].sort((a, b) => a[0] - b[0]);
  const total = sorted.at(-1)?.[1] ?? 0;
  return sorted.find(([, n]) => n >= (p / 100) * total)?.[0] ?? Number.NaN;
}
const sumOf = (texts: string[], name: string) =>
  texts.reduce((n, t) => n + Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(t)?.[1] ?? 0), 0);

const ack = new Histogram();
for (const r of reports) ack.add(Histogram.fromSparse(r.histogram));
const sub = Histogram.fromSparse(subReport.histogram);
const sum = (f: (r: (typeof reports)[number]) => number) => reports.reduce((n, r) => n + f(r), 0);
const result = {
  label,
  date: new Date().toISOString(),
  devices: totalConnected,
  instances,
  database: args.database,
  sqliteSync: args['sqlite-sync'],
  subscribers: Number(args.subscribers),
  targetRate: rate,
  seconds: Number(seconds.toFixed(1)),
  connectSeconds: Number(connectSeconds.toFixed(1)),
  ackedPerSecond: Math.round(sum((r) => r.acked) / seconds),
  sentPerSecond: Math.round(sum((r) => r.sent) / seconds),
  errors: sum((r) => r.errors),
  closedSockets: sum((r) => r.closed),
  skippedWaitingForAck: sum((r) => r.skipped),
  ackMs: { p50: ack.percentile(50), p99: ack.percentile(99), max: ack.percentile(100) },
  serverSide: {
    note: 'since server start, bucket upper bounds: frame read to OK written, and commit time',
    ackSecondsP50: bucketPercentile(serverMetrics, 'smartos_ack_seconds', 50),
    ackSecondsP99: bucketPercentile(serverMetrics, 'smartos_ack_seconds', 99),
    commitMsMean: Number(
      (
        (sumOf(serverMetrics, 'smartos_commit_seconds_sum') / sumOf(serverMetrics, 'smartos_commit_seconds_count')) *
        1000
      ).toFixed(2),
    ),
    eventLoopLagP99Ms: Number((sumOf(serverMetrics, 'smartos_nodejs_eventloop_lag_p99_seconds') * 1000).toFixed(1)),
    eventLoopLagMaxMs: Number((sumOf(serverMetrics, 'smartos_nodejs_eventloop_lag_max_seconds') * 1000).toFixed(1)),
    gcSeconds: Number(sumOf(serverMetrics, 'smartos_nodejs_gc_duration_seconds_sum').toFixed(2)),
    framesPerCommitMean: Math.round(
      sumOf(serverMetrics, 'smartos_commit_batch_frames_sum') / sumOf(serverMetrics, 'smartos_commit_batch_frames_count'),
    ),
  },
  subscriberBatchesPerSecond: Math.round(subReport.batches / seconds),
  subscriberUpdatesPerSecond: Math.round(subReport.updates / seconds),
  deviceToSubscriberMs: { p50: sub.percentile(50), p99: sub.percentile(99), max: sub.percentile(100) },
  serverCpuCores: Number(serverCpu.toFixed(2)),
  loadGeneratorCpuCores: Number(loadCpu.toFixed(2)),
  subscriberCpuCores: Number(subCpu.toFixed(2)),
  machineCpuBusy: `${(machineBusy * 100).toFixed(0)}% of 2 cores`,
  serverRssMB: Math.round(maxRss / 1024 / 1024),
  ...(loopTrace.length > 0 ? { loopTrace } : {}),
};
console.log(JSON.stringify({ ...result, loopTrace: undefined }, null, 2));
if (loopTrace.length > 0) {
  // One line per second: the loop's delay p99 and max, to read beside the profile's long tasks.
  console.log('loop delay per second (s: p99/max ms):');
  console.log(loopTrace.map((t) => `${t.s}: ${t.p99}/${t.max}`).join('  '));
}
mkdirSync(join(root, 'bench/results'), { recursive: true });
writeFileSync(join(root, 'bench/results', `ingest-${label}.json`), `${JSON.stringify(result, null, 2)}\n`);

for (const c of [...loaders, subscribers]) c.send({ op: 'stop' });
for (const s of servers) s.proc.kill('SIGTERM');
await Promise.all(servers.map((s) => new Promise((r) => s.proc.once('exit', r))));
await dropDatabase();
rmSync(dataDir, { recursive: true, force: true });
process.exit(0);
