// `npm run bench:many -- [--devices 100000] [--every 10] [--gateways 6] [--seconds 30] [--workers 6]`
// Issue 17's many-devices mode: 100,000 device sockets on one machine whose open-file limit is 20,000 per
// process, held by gateway processes (DEVICE_GATEWAYS) for one core that applies every change once. Each
// device sends one frame per `--every` seconds (the load generator's devices take turns, one frame in flight
// each). Reports ack p50/p99, frames sustained, and the server's total RSS (core + gateways) and CPU.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { setPriority, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Histogram } from '../ingest/histogram.ts';
import { startLoad } from '../ingest/load.ts';
import {
  CLK_TCK,
  childPids,
  cpuUserSystem,
  machineTicks,
  root,
  rssBytes,
  scrapeMetrics,
  startServerProcess,
} from '../server-process.ts';

const { values: args } = parseArgs({
  options: {
    devices: { type: 'string', default: '100000' },
    every: { type: 'string', default: '10' },
    gateways: { type: 'string', default: '6' },
    seconds: { type: 'string', default: '30' },
    warmup: { type: 'string', default: '20' },
    workers: { type: 'string', default: '6' },
    /** A CPU profile of the core, in bench/results/profiles (read it with bench/profile-summary.ts --last). */
    profile: { type: 'boolean', default: false },
    /** SQLITE_SYNC of the server (FULL, the default, or NORMAL). */
    'sqlite-sync': { type: 'string', default: 'FULL' },
  },
});
const devices = Number(args.devices);
const rate = devices / Number(args.every);
const gateways = Number(args.gateways);
const seconds = Number(args.seconds);
const sleep = (s: number) => new Promise((r) => setTimeout(r, s * 1000));
const MB = 1024 * 1024;

/** Group commits in the measured phase: how many per second, their mean size and time. */
function commitsOf(before: Map<string, number>, after: Map<string, number>, wall: number) {
  const diff = (key: string) => (after.get(key) ?? 0) - (before.get(key) ?? 0);
  const count = diff('smartos_commit_seconds_count');
  return {
    perSecond: Number((count / wall).toFixed(1)),
    meanFrames: Math.round(diff('smartos_commit_batch_frames_sum') / diff('smartos_commit_batch_frames_count')),
    meanMs: Number(((diff('smartos_commit_seconds_sum') / count) * 1000).toFixed(1)),
    over50ms: Number(((count - diff('smartos_commit_seconds_bucket{le="0.05"}')) / count).toFixed(3)),
    over100ms: Number(((count - diff('smartos_commit_seconds_bucket{le="0.1"}')) / count).toFixed(3)),
  };
}

const dataDir = mkdtempSync(join(tmpdir(), 'smartos-many-'));
// Compiled, as `npm start` runs it: what a fleet operator's processes weigh.
const server = await startServerProcess(
  // All addresses: devices connect to 127.0.0.1–127.0.0.8 (past the ephemeral port limit of one address pair).
  ['--data-dir', dataDir, '--device-gateways', String(gateways), '--host', '0.0.0.0', '--sqlite-sync', args['sqlite-sync']],
  ['--max-semi-space-size=64', ...(args.profile ? ['--cpu-prof', `--cpu-prof-dir=${join(root, 'bench/results/profiles')}`] : [])],
  {},
  'dist',
);
const core = server.proc.pid as number;
const pids = () => [core, ...childPids(core, 'gateway-main')];
console.log(`server ${server.url}: core ${core}, gateways ${childPids(core, 'gateway-main').join(', ')}`);

const connectStarted = performance.now();
const hosts = Array.from({ length: 8 }, (_, i) => `127.0.0.${i + 1}`);
const load = startLoad({ url: server.url.replace('0.0.0.0', '127.0.0.1'), devices, rate, workers: Number(args.workers), hosts });
// The devices are other machines in real life: here they share the two cores, so they run at a lower
// priority than the server (nice 10), else the writer thread gets a twelfth of the machine like any of them.
for (const child of load.children) if (child.pid) setPriority(child.pid, 10);
const connected = await load.next('connected');
const connectSeconds = (performance.now() - connectStarted) / 1000;
const open = connected.reduce((n, c) => n + c.connected, 0);
const failed = connected.reduce((n, c) => n + c.failed, 0);
console.log(`${open} devices connected in ${connectSeconds.toFixed(1)} s (${failed} failed)`);

// Every device's first frame registers it (a row in the database): a first lap at half the rate, so the
// measured load starts on a registered fleet, as after any restart, not behind 100,000 inserts.
const registerSeconds = Math.ceil(devices / (rate / 2)) + 5;
load.setRate(rate / 2);
load.tell('go');
await sleep(registerSeconds);
load.setRate(rate);
await sleep(Number(args.warmup));
load.tell('measure');
const serverBefore = await scrapeMetrics(server.url);
const loaders = load.children.map((c) => c.pid as number);
const watched = () => [...pids(), ...loaders];
const ticks = new Map(watched().map((pid) => [pid, cpuUserSystem(pid)]));
const machine = machineTicks();
let peakRss = 0;
let peakCoreRss = 0;
const started = performance.now();
while (performance.now() - started < seconds * 1000) {
  const all = pids();
  peakRss = Math.max(
    peakRss,
    all.reduce((n, pid) => n + rssBytes(pid), 0),
  );
  peakCoreRss = Math.max(peakCoreRss, rssBytes(core));
  await sleep(1);
}
const wall = (performance.now() - started) / 1000;
/** Cores used in the run (user + system) by the core, each gateway, and the load generators together. */
const used = (pid: number) => {
  const [u0, s0] = ticks.get(pid) ?? [0, 0];
  const [u1, s1] = cpuUserSystem(pid);
  return { user: (u1 - u0) / CLK_TCK / wall, system: (s1 - s0) / CLK_TCK / wall };
};
const round = (x: { user: number; system: number }) => ({ user: Number(x.user.toFixed(2)), system: Number(x.system.toFixed(2)) });
const sum = (list: number[]) =>
  list.map(used).reduce((a, b) => ({ user: a.user + b.user, system: a.system + b.system }), { user: 0, system: 0 });
const cores = {
  core: round(used(core)),
  gateways: round(sum(childPids(core, 'gateway-main'))),
  loadGenerators: round(sum(loaders)),
};
const machineNow = machineTicks();
const machineBusy = (machineNow.busy - machine.busy) / (machineNow.total - machine.total);
const reported = load.next('report');
load.tell('report');
const reports = await reported;
const acks = new Histogram();
for (const r of reports) acks.add(Histogram.fromSparse(r.histogram));
const metrics = await scrapeMetrics(server.url);
/** The server's own ack histogram over the measured phase (frame read in the core to OK sent): share within each bound. */
const serverAck = Object.fromEntries(
  ['0.01', '0.05', '0.25', '1'].map((le) => {
    const key = `smartos_ack_seconds_bucket{le="${le}"}`;
    const count = (metrics.get('smartos_ack_seconds_count') ?? 0) - (serverBefore.get('smartos_ack_seconds_count') ?? 0);
    return [`≤${Number(le) * 1000} ms`, Number((((metrics.get(key) ?? 0) - (serverBefore.get(key) ?? 0)) / count).toFixed(3))];
  }),
);
const result = {
  at: new Date().toISOString(),
  devices,
  gateways,
  sqliteSync: args['sqlite-sync'],
  offered: rate,
  connected: open,
  failed,
  connectSeconds: Number(connectSeconds.toFixed(1)),
  sustained: Math.round(reports.reduce((n, r) => n + r.acked, 0) / wall),
  ackMs: { p50: acks.percentile(50), p99: acks.percentile(99), max: acks.percentile(100) },
  errors: reports.reduce((n, r) => n + r.errors, 0),
  closedDuringRun: reports.reduce((n, r) => n + r.closed, 0),
  serverAck,
  /** The core's event-loop delay since the previous scrape (the start of the measured phase). */
  coreLoopDelayMs: {
    p50: Math.round((metrics.get('smartos_nodejs_eventloop_lag_p50_seconds') ?? 0) * 1000),
    p99: Math.round((metrics.get('smartos_nodejs_eventloop_lag_p99_seconds') ?? 0) * 1000),
    max: Math.round((metrics.get('smartos_nodejs_eventloop_lag_max_seconds') ?? 0) * 1000),
  },
  commits: commitsOf(serverBefore, metrics, wall),
  serverConnections: metrics.get('smartos_device_connections') ?? null,
  totalRssMB: Math.round(peakRss / MB),
  coreRssMB: Math.round(peakCoreRss / MB),
  cores,
  machineBusy: Number(machineBusy.toFixed(2)),
};
console.log(JSON.stringify(result, null, 2));
load.tell('stop');
server.proc.kill('SIGTERM');
await new Promise((r) => server.proc.once('exit', r));
rmSync(dataDir, { recursive: true, force: true });
mkdirSync(join(root, 'bench/results'), { recursive: true });
writeFileSync(
  join(
    root,
    'bench/results',
    `many-devices-${devices}d-${rate}fps-${gateways}g${args['sqlite-sync'] === 'FULL' ? '' : '-normal'}.json`,
  ),
  `${JSON.stringify(result, null, 2)}\n`,
);
process.exit(0);
