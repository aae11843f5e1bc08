// `npm run bench:relay -- [--devices 1000] [--viewers 10] [--rates 2000,5000,10000] [--seconds 20]`
// Issue 17's yardstick: at each offered rate, a bare `ws` relay (relay.ts: acks and forwards, stores
// nothing) and ours (durable acks, coalesced deviceUpdates to graphql-ws viewers), one after the other in one
// run, with the same load generator: frames sustained, ack p99, device → viewer p99.
import { type ChildProcess, fork, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Histogram } from '../ingest/histogram.ts';
import { startLoad } from '../ingest/load.ts';
import type { FromSubscribers } from '../ingest/subscribers.ts';
import { CLK_TCK, childPids, cpuTicks, root, startServerProcess } from '../server-process.ts';

const { values: args } = parseArgs({
  options: {
    devices: { type: 'string', default: '1000' },
    viewers: { type: 'string', default: '10' },
    rates: { type: 'string', default: '2000,5000,10000' },
    seconds: { type: 'string', default: '20' },
    /** ours+gw: ours with DEVICE_GATEWAYS=2 (device sockets in two gateway processes), for what the hop costs. */
    kinds: { type: 'string', default: 'relay,ours,ours+gw' },
  },
});
const devices = Number(args.devices);
const viewers = Number(args.viewers);
const seconds = Number(args.seconds);
const sleep = (s: number) => new Promise((r) => setTimeout(r, s * 1000));

function once<T extends { op: string }>(child: ChildProcess, op: T['op']): Promise<T> {
  return new Promise((resolve) => {
    const on = (m: T) => {
      if (m.op !== op) return;
      child.off('message', on);
      resolve(m);
    };
    child.on('message', on);
  });
}

function startRelay(): Promise<{ url: string; proc: ChildProcess }> {
  const proc = spawn(process.execPath, ['--import', 'tsx', join(root, 'bench/relay/relay.ts')], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    proc.stdout?.once('data', (c: Buffer) => resolve({ url: (JSON.parse(c.toString()) as { url: string }).url, proc }));
    proc.once('exit', (code) => reject(new Error(`relay exited ${code}`)));
  });
}

type Kind = 'relay' | 'ours' | 'ours+gw';

async function run(kind: Kind, rate: number) {
  const dataDir = mkdtempSync(join(tmpdir(), 'smartos-relay-'));
  const gateways = kind === 'ours+gw' ? ['--device-gateways', '2'] : [];
  const target =
    kind === 'relay'
      ? await startRelay()
      : await startServerProcess(['--data-dir', dataDir, ...gateways], ['--max-semi-space-size=64']);
  const pid = target.proc.pid as number;
  const load = startLoad({ url: target.url, devices, rate, addressPrefix: '127.0.2' });
  const watchers = fork(join(root, kind === 'relay' ? 'bench/relay/viewers.ts' : 'bench/ingest/subscribers.ts'), [], {
    execArgv: ['--import', 'tsx'],
    env: {
      ...process.env,
      BENCH_JOB: JSON.stringify(
        kind === 'relay'
          ? { url: target.url, count: viewers }
          : { urls: [`${target.url.replace(/^http/, 'ws')}/graphql`], count: viewers },
      ),
    },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  await Promise.all([load.next('connected'), once<FromSubscribers>(watchers, 'subscribed')]);
  load.tell('go');
  await sleep(5);
  load.tell('measure');
  watchers.send({ op: 'measure' });
  // The server's processes: with gateways, theirs too.
  const processes = [pid, ...childPids(pid)];
  const ticks = processes.map(cpuTicks);
  const started = performance.now();
  await sleep(seconds);
  const wall = (performance.now() - started) / 1000;
  const cores = processes.reduce((sum, p, i) => sum + cpuTicks(p) - (ticks[i] ?? 0), 0) / CLK_TCK / wall;
  const reported = load.next('report');
  load.tell('report');
  const reports = await reported;
  const seen = once<Extract<FromSubscribers, { op: 'report' }>>(watchers, 'report');
  watchers.send({ op: 'report' });
  const view = await seen;
  const acks = new Histogram();
  for (const r of reports) acks.add(Histogram.fromSparse(r.histogram));
  const toViewer = Histogram.fromSparse(view.histogram);
  load.kill();
  watchers.kill();
  target.proc.kill('SIGTERM');
  await new Promise((r) => target.proc.once('exit', r));
  rmSync(dataDir, { recursive: true, force: true });
  const row = {
    offered: rate,
    sustained: Math.round(reports.reduce((n, r) => n + r.acked, 0) / wall),
    ackMs: { p50: acks.percentile(50), p99: acks.percentile(99) },
    deviceToViewerMs: { p50: toViewer.percentile(50), p99: toViewer.percentile(99) },
    errors: reports.reduce((n, r) => n + r.errors, 0),
    serverCores: Number(cores.toFixed(2)),
  };
  console.log(
    `${kind.padEnd(7)} ${String(rate).padStart(6)}/s: sustained ${row.sustained}/s, ack p50 ${row.ackMs.p50} / p99 ${row.ackMs.p99} ms, device→viewer p99 ${row.deviceToViewerMs.p99} ms, ${row.serverCores} cores`,
  );
  return row;
}

const kinds = args.kinds.split(',') as Kind[];
const results: Array<Partial<Record<Kind, unknown>>> = [];
for (const rate of args.rates.split(',').map(Number)) {
  const row: Partial<Record<Kind, unknown>> = {};
  for (const kind of kinds) row[kind] = await run(kind, rate);
  results.push(row);
}
mkdirSync(join(root, 'bench/results'), { recursive: true });
writeFileSync(
  join(root, 'bench/results', `relay-vs-ours-${devices}d-${viewers}v.json`),
  `${JSON.stringify({ at: new Date().toISOString(), devices, viewers, seconds, results }, null, 2)}\n`,
);
process.exit(0);
