// `npm run bench:commands -- [--devices 10000] [--rate 5000] [--seconds 15]`
// A job to every connected v2 device: how long until all SUCCEEDED, and what it costs the device path:
// ingest ack p99 at the same frame rate without a job and while the job runs, in one run.
import { type ChildProcess, fork } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { DevicesJob, FromDevices } from '../ingest/devices.ts';
import { Histogram } from '../ingest/histogram.ts';
import { graphql, root, startServerProcess } from '../server-process.ts';

const { values: args } = parseArgs({
  options: {
    devices: { type: 'string', default: '10000' },
    rate: { type: 'string', default: '5000' },
    seconds: { type: 'string', default: '15' },
    workers: { type: 'string', default: '2' },
  },
});
const devices = Number(args.devices);
const seconds = Number(args.seconds);
const workers = Number(args.workers);

const dataDir = mkdtempSync(join(tmpdir(), 'smartos-commands-'));
const server = await startServerProcess(['--data-dir', dataDir]);
const gql = graphql(server.url);

const per = Math.ceil(devices / workers);
const loaders: ChildProcess[] = [];
for (let w = 0; w < workers; w++) {
  const count = Math.min(per, devices - w * per);
  const job: DevicesJob = {
    urls: [`${server.url.replace(/^http/, 'ws')}/update/`],
    first: w * per,
    count,
    rate: (Number(args.rate) * count) / devices,
    connectPerSecond: 2000 / workers,
    localAddresses: Array.from({ length: 4 }, (_, k) => `127.0.${w}.${k + 1}`),
    v2: true,
  };
  loaders.push(
    fork(join(root, 'bench/ingest/devices.ts'), [], {
      execArgv: ['--import', 'tsx'],
      env: { ...process.env, BENCH_JOB: JSON.stringify(job) },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    }),
  );
}
const next = <T extends FromDevices['op']>(child: ChildProcess, op: T) =>
  new Promise<Extract<FromDevices, { op: T }>>((resolve) => {
    const on = (m: FromDevices) => {
      if (m.op !== op) return;
      child.off('message', on);
      resolve(m as Extract<FromDevices, { op: T }>);
    };
    child.on('message', on);
  });
const connected = await Promise.all(loaders.map((l) => next(l, 'connected')));
console.log(`connected ${connected.reduce((n, c) => n + c.connected, 0)} v2 devices`);
for (const l of loaders) l.send({ op: 'go' });
await new Promise((r) => setTimeout(r, 10_000)); // every device sends a frame: its protocol is known

async function measure(during: () => Promise<void>) {
  for (const l of loaders) l.send({ op: 'measure' });
  await during();
  for (const l of loaders) l.send({ op: 'report' });
  const reports = await Promise.all(loaders.map((l) => next(l, 'report')));
  const h = new Histogram();
  for (const r of reports) h.add(Histogram.fromSparse(r.histogram));
  const acked = reports.reduce((n, r) => n + r.acked, 0);
  return {
    acked,
    ackMs: { p50: h.percentile(50), p99: h.percentile(99), max: h.percentile(100) },
    commandsDone: reports.reduce((n, r) => n + r.commandsDone, 0),
  };
}

const baseline = await measure(() => new Promise((r) => setTimeout(r, seconds * 1000)));
let jobResult: { jobId: string; allSucceededMs: number | null; counts: Record<string, number> } | null = null;
const withJob = await measure(async () => {
  const started = performance.now();
  const sent = await gql<{ sendCommand: { id: string } }>(
    'mutation { sendCommand(input: { where: [{ field: "serial", op: STARTS_WITH, value: "b" }], name: "update-config", args: { level: 3 } }) { id } }',
  );
  const createdMs = performance.now() - started;
  let counts: Record<string, number> = {};
  let allSucceededMs: number | null = null;
  while (performance.now() - started < seconds * 1000 * 4) {
    counts = (
      await gql<{ job: { counts: Record<string, number> } }>(
        `{ job(id: "${sent.sendCommand.id}") { counts { QUEUED SENT DELIVERED SUCCEEDED FAILED SKIPPED } } }`,
      )
    ).job.counts;
    if ((counts.SUCCEEDED ?? 0) + (counts.SKIPPED ?? 0) + (counts.FAILED ?? 0) >= devices) {
      allSucceededMs = Math.round(performance.now() - started);
      break;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  console.log(`job created in ${Math.round(createdMs)} ms; finished in ${allSucceededMs} ms`);
  jobResult = { jobId: sent.sendCommand.id, allSucceededMs, counts };
  const left = seconds * 1000 - (performance.now() - started);
  if (left > 0) await new Promise((r) => setTimeout(r, left));
});
const out = {
  devices,
  rate: Number(args.rate),
  seconds,
  baseline: { ...baseline, ackedPerSecond: Math.round(baseline.acked / seconds) },
  withJob: { ...withJob, job: jobResult },
};
console.log(JSON.stringify(out, null, 2));
writeFileSync(join(root, 'bench/results/commands-job-10k.json'), `${JSON.stringify(out, null, 2)}\n`);
for (const l of loaders) l.send({ op: 'stop' });
server.proc.kill('SIGTERM');
await new Promise((r) => server.proc.once('exit', r));
rmSync(dataDir, { recursive: true, force: true });
