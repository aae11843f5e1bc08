// `npm run bench:peers -- [--devices 1000] [--rate 1000] [--seconds 20] [--interval-ms 1000] [--sample-every 20]`
// --devices protocol v2 devices send --rate frames/s in all; in one run, ingest ack p99 without watchers, then
// with every one of them watching the whole fleet over the IoT channel (SUBS, params power and sent_at): the
// time from a value's frame to its arrival in a PEER frame (p50/p99, sampled on one device in --sample-every,
// includes the coalescing interval), PEER frames and bytes, server CPU and peak RSS.
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { DevicesJob, FromDevices } from '../ingest/devices.ts';
import { Histogram } from '../ingest/histogram.ts';
import { CLK_TCK, cpuTicks, root, rssBytes, startServerProcess } from '../server-process.ts';

const { values: args } = parseArgs({
  options: {
    devices: { type: 'string', default: '1000' },
    rate: { type: 'string', default: '1000' },
    seconds: { type: 'string', default: '20' },
    'interval-ms': { type: 'string', default: '1000' },
    'sample-every': { type: 'string', default: '20' },
    profile: { type: 'boolean', default: false },
    label: { type: 'string' },
  },
});
const devices = Number(args.devices);
const seconds = Number(args.seconds);
const intervalMs = Number(args['interval-ms']);

const dataDir = mkdtempSync(join(tmpdir(), 'smartos-peers-bench-'));
const profiling = args.profile ? ['--cpu-prof', `--cpu-prof-dir=${join(root, 'bench/results/profiles')}`] : [];
const server = await startServerProcess(['--data-dir', dataDir], profiling);
const pid = server.proc.pid as number;
const job: DevicesJob = {
  urls: [`${server.url.replace(/^http/, 'ws')}/update/`],
  first: 0,
  count: devices,
  rate: Number(args.rate),
  connectPerSecond: 2000,
  localAddresses: ['127.0.1.1'],
  v2: true,
  watch: { intervalMs, params: ['power', 'sent_at'], sampleEvery: Number(args['sample-every']) },
};
const loader = fork(join(root, 'bench/ingest/devices.ts'), [], {
  execArgv: ['--import', 'tsx'],
  env: { ...process.env, BENCH_JOB: JSON.stringify(job) },
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
const sleep = (s: number) => new Promise((r) => setTimeout(r, s * 1000));

const connected = await next('connected');
console.log(`connected ${connected.connected} devices (${connected.failed} failed)`);
loader.send({ op: 'go' });
await sleep(10); // every device has sent a frame (it exists) before anyone watches

/** The server's own ack histogram (frame received to OK sent), cumulative bucket counts from /metrics. */
async function serverAcks(): Promise<Map<number, number>> {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  const out = new Map<number, number>();
  for (const m of text.matchAll(/^smartos_ack_seconds_bucket\{le="([^"]+)"\} (\d+)/gm))
    out.set(m[1] === '+Inf' ? Number.POSITIVE_INFINITY : Number(m[1]), Number(m[2]));
  return out;
}

/** The bucket bound (ms) under which 99 % of the acks between two readings fell. */
function serverP99(before: Map<number, number>, after: Map<number, number>): number {
  const bounds = [...after.keys()].sort((a, b) => a - b);
  const total = (after.get(Number.POSITIVE_INFINITY) ?? 0) - (before.get(Number.POSITIVE_INFINITY) ?? 0);
  for (const le of bounds) if ((after.get(le) ?? 0) - (before.get(le) ?? 0) >= 0.99 * total) return le * 1000;
  return Number.NaN;
}

async function measure() {
  loader.send({ op: 'measure' });
  const acksBefore = await serverAcks();
  const ticks = cpuTicks(pid);
  const loaderTicks = cpuTicks(loader.pid as number);
  const started = performance.now();
  let peakRss = rssBytes(pid);
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, rssBytes(pid));
  }, 250);
  await sleep(seconds);
  clearInterval(sampler);
  const wall = (performance.now() - started) / 1000;
  loader.send({ op: 'report' });
  const acksAfter = await serverAcks();
  const loaderCpuCores = Number(((cpuTicks(loader.pid as number) - loaderTicks) / CLK_TCK / wall).toFixed(2));
  const r = await next('report');
  const h = Histogram.fromSparse(r.histogram);
  const p = r.peers;
  const ph = Histogram.fromSparse(p?.histogram ?? []);
  return {
    seconds: Math.round(wall),
    ackedPerSecond: Math.round(r.acked / wall),
    ackMs: { p50: h.percentile(50), p99: h.percentile(99), max: h.percentile(100) },
    errors: r.errors,
    skipped: r.skipped,
    /** The server's own view (its histogram's bucket bound): the rest of the tail is the load generator's. */
    serverAckP99AtMostMs: serverP99(acksBefore, acksAfter),
    serverCpuCores: Number(((cpuTicks(pid) - ticks) / CLK_TCK / wall).toFixed(2)),
    loadGeneratorCpuCores: loaderCpuCores,
    serverPeakRssMiB: Math.round(peakRss / 1024 / 1024),
    peers: p && {
      subscribed: p.subscribed,
      refused: p.refused,
      framesPerSecond: Math.round(p.frames / wall),
      mibPerSecond: Number((p.bytes / wall / 1024 / 1024).toFixed(1)),
      deliveryMs: { p50: ph.percentile(50), p99: ph.percentile(99), max: ph.percentile(100), samples: ph.total },
    },
  };
}

const without = await measure();
console.log('without watchers', JSON.stringify(without));
loader.send({ op: 'watch' });
await sleep(5); // every subscription has its snapshot
const withWatchers = await measure();
console.log('with watchers', JSON.stringify(withWatchers));

const out = {
  devices,
  rate: Number(args.rate),
  intervalMs,
  machine: '2 cores; server and load generator (every device, its frames and its PEER frames) on the same machine',
  withoutWatchers: without,
  withWatchers,
};
console.log(JSON.stringify(out, null, 2));
const label = args.label ?? `${devices}d-${args.rate}fps-${intervalMs}ms`;
writeFileSync(join(root, `bench/results/peers-${label}.json`), `${JSON.stringify(out, null, 2)}\n`);
loader.send({ op: 'stop' });
server.proc.kill('SIGTERM');
await new Promise((r) => server.proc.once('exit', r));
rmSync(dataDir, { recursive: true, force: true });
process.exit(0);
