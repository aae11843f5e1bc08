// `npm run bench:alerts -- [--devices 10000] [--rate 10000] [--rules 10000] [--seconds 20]`
// --devices send --rate frames/s in all (each frame a `power` from 0 to 1008, every value in turn); in one run, ingest ack p99 and
// server CPU without rules, then with --rules rules (one per device: `power GT 1000`, notify a webhook in this
// process): about 0.8 % of frames cross, each crossing FIRING and the next frame RESOLVED. The webhook side
// times each call from `receivedAt` (when the server received the crossing frame) to its arrival.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { HookReceiver } from '../../test/support/hooks.ts';
import { Histogram } from '../ingest/histogram.ts';
import { startLoad } from '../ingest/load.ts';
import {
  CLK_TCK,
  cpuTicks,
  graphql,
  machineTicks,
  mainThreadTicks,
  metricSum,
  root,
  rssBytes,
  scrapeMetrics,
  startServerProcess,
} from '../server-process.ts';

const { values: args } = parseArgs({
  options: {
    devices: { type: 'string', default: '10000' },
    rate: { type: 'string', default: '10000' },
    rules: { type: 'string', default: '10000' },
    seconds: { type: 'string', default: '20' },
    profile: { type: 'boolean', default: false },
    /** Rules without a channel: evaluation and stored transitions only, no outbox and no webhooks (to tell the costs apart). */
    'no-notify': { type: 'boolean', default: false },
    label: { type: 'string' },
  },
});
const devices = Number(args.devices);
const rules = Number(args.rules);
const seconds = Number(args.seconds);
const sleep = (s: number) => new Promise((r) => setTimeout(r, s * 1000));

const hook = await new HookReceiver().start();
const dataDir = mkdtempSync(join(tmpdir(), 'smartos-alerts-bench-'));
const profiling = args.profile ? ['--cpu-prof', `--cpu-prof-dir=${join(root, 'bench/results/profiles')}`] : [];
const server = await startServerProcess(['--data-dir', dataDir], profiling, { MAX_FRAMES_PER_SECOND: '1000' });
const pid = server.proc.pid as number;
// Whatever happens to this script, the server and the load generators do not outlive it.
process.on('exit', () => {
  server.proc.kill('SIGKILL');
  try {
    load.kill('SIGKILL');
  } catch {
    // exited before the load generators started
  }
});
const gql = graphql(server.url);

// Two load generators (as the ingest benchmark), each playing half of the devices.
const load = startLoad({ url: server.url, devices, rate: Number(args.rate) });
const { next, tell } = load;

const connected = await next('connected');
console.log(`connected ${connected.reduce((n, c) => n + c.connected, 0)} devices`);
tell('go');
await sleep(10);

async function measure() {
  tell('measure');
  const calls = hook.calls.length;
  const ticks = cpuTicks(pid);
  const mainTicks = mainThreadTicks(pid);
  const machine = machineTicks();
  // Reading the metrics also restarts the loop-delay histogram (prom-client resets it per scrape).
  const metricsBefore = await scrapeMetrics(server.url);
  const started = performance.now();
  let peakRss = rssBytes(pid);
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, rssBytes(pid));
  }, 250);
  await sleep(seconds);
  clearInterval(sampler);
  const wall = (performance.now() - started) / 1000;
  const mainCores = (mainThreadTicks(pid) - mainTicks) / CLK_TCK / wall;
  const machineAfter = machineTicks();
  const metricsAfter = await scrapeMetrics(server.url);
  const gcSeconds =
    metricSum(metricsAfter, 'smartos_nodejs_gc_duration_seconds_sum') -
    metricSum(metricsBefore, 'smartos_nodejs_gc_duration_seconds_sum');
  tell('report');
  const reports = await next('report');
  const h = new Histogram();
  for (const rep of reports) h.add(Histogram.fromSparse(rep.histogram));
  const r = {
    acked: reports.reduce((n, x) => n + x.acked, 0),
    errors: reports.reduce((n, x) => n + x.errors, 0),
    skipped: reports.reduce((n, x) => n + x.skipped, 0),
  };
  const hooks = new Histogram();
  const window = hook.calls.slice(calls);
  for (const c of window) if (typeof c.json.receivedAt === 'string') hooks.record(c.at - Date.parse(c.json.receivedAt));
  return {
    seconds: Math.round(wall),
    ackedPerSecond: Math.round(r.acked / wall),
    ackMs: { p50: h.percentile(50), p99: h.percentile(99), max: h.percentile(100) },
    errors: r.errors,
    skipped: r.skipped,
    serverCpuCores: Number(((cpuTicks(pid) - ticks) / CLK_TCK / wall).toFixed(2)),
    /** The event loop's share: what the device path competes for. */
    mainThreadCores: Number(mainCores.toFixed(2)),
    loopDelayP99Ms: Math.round((metricsAfter.get('smartos_nodejs_eventloop_lag_p99_seconds') ?? 0) * 1000),
    gcSecondsPerSecond: Number((gcSeconds / wall).toFixed(3)),
    /** Two cores shared with the load generators and the webhook receiver: near 100 %, latency is queueing. */
    machineBusyPercent: Math.round((100 * (machineAfter.busy - machine.busy)) / (machineAfter.total - machine.total)),
    serverPeakRssMiB: Math.round(peakRss / 1024 / 1024),
    webhooks: {
      perSecond: Math.round(window.length / wall),
      firing: window.filter((c) => c.json.kind === 'FIRING').length,
      resolved: window.filter((c) => c.json.kind === 'RESOLVED').length,
      crossingToWebhookMs: { p50: hooks.percentile(50), p99: hooks.percentile(99), max: hooks.percentile(100) },
    },
  };
}

const without = await measure();
console.log('without rules', JSON.stringify(without));

const { createNotificationChannel } = await gql<{ createNotificationChannel: { channel: { id: number } } }>(
  `mutation { createNotificationChannel(name: "bench", kind: "WEBHOOK", target: "${hook.url}") { channel { id } } }`,
);
const channel = createNotificationChannel.channel.id;
const made = performance.now();
// 15 rules per request (the alias limit), 16 requests at a time (under load each request waits its turns of
// the event loop).
const serial = (i: number) => `b${String(i).padStart(6, '0')}`;
const chunks: number[][] = [];
for (let i = 0; i < rules; i += 15) chunks.push(Array.from({ length: Math.min(15, rules - i) }, (_, k) => i + k));
/** Creates rules by aliased mutations; the aliases a loaded database failed (a write timed out) go again. */
let retries = 0;
async function createRules(numbers: number[]): Promise<void> {
  let left = numbers;
  for (let attempt = 1; left.length > 0; attempt++) {
    const res = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        query: `mutation { ${left
          .map(
            (n) =>
              `r${n}: createAlertRule(input: { name: "power ${n}", where: [{ field: "serial", op: EQUALS, value: "${serial(n % devices)}" }], parameter: "power", op: GT, threshold: 1000, flapCount: 1000, notify: [${args['no-notify'] ? '' : channel}] }) { id }`,
          )
          .join(' ')} }`,
      }),
    });
    const body = (await res.json()) as { errors?: Array<{ path?: string[] }> };
    const failed = new Set((body.errors ?? []).map((e) => e.path?.[0]));
    left = left.filter((n) => failed.has(`r${n}`));
    if (left.length === 0) return;
    retries += left.length;
    if (attempt >= 10) throw new Error(`rules ${left.join(', ')} could not be made: ${JSON.stringify(body.errors)}`);
    await sleep(1);
  }
}
for (let i = 0; i < chunks.length; i += 16) await Promise.all(chunks.slice(i, i + 16).map(createRules));
const rulesMadeSeconds = Number(((performance.now() - made) / 1000).toFixed(1));
console.log(`made ${rules} rules in ${rulesMadeSeconds} s (${retries} sent again)`);
await sleep(5);
const withRules = await measure();
console.log('with rules', JSON.stringify(withRules));

const out = {
  devices,
  rate: Number(args.rate),
  rules,
  rulesMadeSeconds,
  ruleRequestsRetried: retries,
  machine: '2 cores; server, load generator and webhook receiver on the same machine',
  withoutRules: without,
  withRules,
};
console.log(JSON.stringify(out, null, 2));
const label = args.label ?? `${devices}d-${args.rate}fps-${rules}r`;
writeFileSync(join(root, `bench/results/alerts-${label}.json`), `${JSON.stringify(out, null, 2)}\n`);
tell('stop');
server.proc.kill('SIGTERM');
await new Promise((r) => server.proc.once('exit', r));
await hook.close();
rmSync(dataDir, { recursive: true, force: true });
process.exit(0);
