// `npm run bench:deployments -- [--devices 1000] [--mib 10] [--rate 2000] [--load-devices 2000]`
// A signed release of --mib MiB to --devices emulated SolMates (phases 5, 25, 100 %, health rule 10 s) while
// --load-devices send --rate frames/s: the time until every device is HEALTHY, the server's RSS and CPU, and
// ingest ack p99 without a deployment and during it, in one run. `allHealthyMs` is the time until the
// deployment finished (COMPLETED when every device is HEALTHY); `failures` the distinct reasons of the rest.
import { type ChildProcess, fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { generateSigningKey, sha256Hex, signRelease } from '../../agent/release/signature.ts';
import type { DevicesJob, FromDevices } from '../ingest/devices.ts';
import { Histogram } from '../ingest/histogram.ts';
import { CLK_TCK, cpuTicks, graphql, machineTicks, root, rssBytes, startServerProcess } from '../server-process.ts';

const { values: args } = parseArgs({
  options: {
    devices: { type: 'string', default: '1000' },
    mib: { type: 'string', default: '10' },
    rate: { type: 'string', default: '2000' },
    'load-devices': { type: 'string', default: '2000' },
    seconds: { type: 'string', default: '20' },
    'health-seconds': { type: 'string', default: '10' },
    'rate-per-minute': { type: 'string', default: '100000' },
    profile: { type: 'boolean', default: false },
    label: { type: 'string' },
  },
});
const devices = Number(args.devices);
const seconds = Number(args.seconds);
const loadDevices = Number(args['load-devices']);

const dataDir = mkdtempSync(join(tmpdir(), 'smartos-deploy-bench-'));
const profiling = args.profile ? ['--cpu-prof', `--cpu-prof-dir=${join(root, 'bench/results/profiles')}`] : [];
const server = await startServerProcess(['--data-dir', dataDir], profiling);
const pid = server.proc.pid as number;
const gql = graphql(server.url);
const deviceUrl = `${server.url.replace(/^http/, 'ws')}/update/`;

// The frame load: the ingest benchmark's devices (one frame in flight each, acks timed).
const load: DevicesJob = {
  urls: [deviceUrl],
  first: 0,
  count: loadDevices,
  rate: Number(args.rate),
  connectPerSecond: 2000,
  localAddresses: ['127.0.1.1', '127.0.1.2'],
};
const loader = fork(join(root, 'bench/ingest/devices.ts'), [], {
  execArgv: ['--import', 'tsx'],
  env: { ...process.env, BENCH_JOB: JSON.stringify(load) },
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
const fleet: ChildProcess = fork(join(root, 'bench/deployments/fleet.ts'), [], {
  execArgv: ['--import', 'tsx'],
  env: { ...process.env, BENCH_FLEET: JSON.stringify({ url: deviceUrl, devices }) },
  stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
});
await Promise.all([next('connected'), new Promise((r) => fleet.once('message', r))]);
console.log(`connected ${loadDevices} load devices and ${devices} emulated SolMates`);
loader.send({ op: 'go' });
// Every emulated device is known (its CAPS, which follows its first frame, is awaited below).
for (;;) {
  const { devices: page } = await gql<{ devices: { totalCount: number } }>(
    '{ devices(where: [{ field: "serial", op: STARTS_WITH, value: "upd-" }]) { totalCount } }',
  );
  if (page.totalCount >= devices) break;
  await new Promise((r) => setTimeout(r, 1000));
}
await new Promise((r) => setTimeout(r, 5000));
console.log('measuring');

async function measure(during: () => Promise<void>) {
  loader.send({ op: 'measure' });
  const ticks = cpuTicks(pid);
  const fleetTicks = cpuTicks(fleet.pid as number);
  const machine = machineTicks();
  const started = performance.now();
  let peakRss = rssBytes(pid);
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, rssBytes(pid));
  }, 250);
  await during();
  clearInterval(sampler);
  const wall = (performance.now() - started) / 1000;
  loader.send({ op: 'report' });
  const r = await next('report');
  const h = Histogram.fromSparse(r.histogram);
  return {
    seconds: Math.round(wall),
    ackedPerSecond: Math.round(r.acked / wall),
    ackMs: { p50: h.percentile(50), p99: h.percentile(99), max: h.percentile(100) },
    errors: r.errors,
    serverCpuCores: Number(((cpuTicks(pid) - ticks) / CLK_TCK / wall).toFixed(2)),
    emulatedFleetCpuCores: Number(((cpuTicks(fleet.pid as number) - fleetTicks) / CLK_TCK / wall).toFixed(2)),
    machineBusyPercent: Math.round((100 * (machineTicks().busy - machine.busy)) / (machineTicks().total - machine.total)),
    serverPeakRssMiB: Math.round(peakRss / 1024 / 1024),
  };
}

const baseline = await measure(() => new Promise((r) => setTimeout(r, seconds * 1000)));
console.log('baseline', JSON.stringify(baseline));

const artifact = randomBytes(Number(args.mib) * 1024 * 1024);
const key = generateSigningKey();
const identity = { kind: 'software' as const, name: 'solmate-fw', version: '9.9.9', sha256: sha256Hex(artifact) };
const published = await fetch(`${server.url}/releases`, {
  method: 'POST',
  headers: {
    'x-release-name': identity.name,
    'x-release-version': identity.version,
    'x-release-signature': signRelease(identity, key.privateKeyPem),
  },
  body: new Uint8Array(artifact),
});
const releaseId = ((await published.json()) as { id: number }).id;

let outcome: {
  allHealthyMs: number | null;
  counts: Record<string, number>;
  phases: number[];
  ratePerMinute: number;
  failures: string[];
} = {
  allHealthyMs: null,
  counts: {},
  phases: [5, 25, 100],
  ratePerMinute: Number(args['rate-per-minute']),
  failures: [],
};
const during = await measure(async () => {
  const started = performance.now();
  const { createDeployment } = await gql<{ createDeployment: { id: number } }>(
    'mutation($i: CreateDeploymentInput!) { createDeployment(input: $i) { id } }',
    {
      i: {
        releaseId,
        where: [{ field: 'serial', op: 'STARTS_WITH', value: 'upd-' }],
        phases: outcome.phases,
        ratePerMinute: outcome.ratePerMinute,
        healthSeconds: Number(args['health-seconds']),
        abortMinCount: devices,
      },
    },
  );
  for (;;) {
    const { deployment } = await gql<{ deployment: { state: string; counts: Record<string, number> } }>(
      `{ deployment(id: ${createDeployment.id}) { state counts { QUEUED NOTIFIED DOWNLOADING DOWNLOADED VERIFIED INSTALLING RESTARTING UPDATED HEALTHY FAILED ROLLED_BACK SKIPPED CANCELED } } }`,
    );
    outcome.counts = deployment.counts;
    if (deployment.state !== 'RUNNING') {
      outcome = {
        ...outcome,
        allHealthyMs: deployment.counts.HEALTHY === devices ? Math.round(performance.now() - started) : null,
      };
      break;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  console.log('deployment', JSON.stringify(outcome));
});

const out = {
  devices,
  releaseMiB: Number(args.mib),
  loadDevices,
  rate: Number(args.rate),
  machine: '2 cores; server, load generator and emulated fleet on the same machine',
  baseline,
  duringDeployment: { ...during, deployment: outcome },
};
console.log(JSON.stringify(out, null, 2));
const label = args.label ?? `${devices}d-${args.mib}mib-${outcome.ratePerMinute}pm`;
writeFileSync(join(root, `bench/results/deployment-${label}.json`), `${JSON.stringify(out, null, 2)}\n`);
loader.send({ op: 'stop' });
fleet.send({ op: 'stop' });
server.proc.kill('SIGTERM');
await new Promise((r) => server.proc.once('exit', r));
rmSync(dataDir, { recursive: true, force: true });
process.exit(0);
