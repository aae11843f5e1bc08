// `npm run bench:fleet -- [--dir data-bench-history] [--queries 200] [--rate 2000] [--seconds 15]`
// fleetHistory on the history benchmark's database (`npm run bench:history:seed` first: 1,000 devices × 5
// parameters × 7 days, 51 M points): SUM over its 1,000 devices for 7 days at 1-hour buckets, cold (first read)
// and warm, grouped by a label, and a day at 1-minute buckets. Then what fleet charts cost the device path:
// ingest ack p99 at `rate` frames/s without and with two fleetHistory queries a second, in one run.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { Histogram } from '../ingest/histogram.ts';
import { startLoad } from '../ingest/load.ts';
import { CLK_TCK, cpuTicks, graphql, quantile, root, rssBytes, startServerProcess } from '../server-process.ts';

const { values: args } = parseArgs({
  options: {
    dir: { type: 'string', default: 'data-bench-history' },
    queries: { type: 'string', default: '200' },
    rate: { type: 'string', default: '2000' },
    devices: { type: 'string', default: '1000' },
    seconds: { type: 'string', default: '15' },
  },
});
const dir = resolve(args.dir);
const DAY = 86_400_000;
const sleep = (s: number) => new Promise((r) => setTimeout(r, s * 1000));

const db = new Database(join(dir, 'smart-os.db'), { readonly: true });
const deviceCount = db.prepare('SELECT count(*) FROM device').pluck().get() as number;
const names = db.prepare('SELECT name FROM parameter ORDER BY id').pluck().all() as string[];
db.close();
if (deviceCount === 0) throw new Error(`no devices in ${dir}: run npm run bench:history:seed first`);

const server = await startServerProcess([], [], { DATA_DIR: dir, LOG_LEVEL: 'info' });
const pid = server.proc.pid as number;
const gql = graphql(server.url);

// Ten sites of a hundred devices each, labelled in bulk by serial prefix.
for (let s = 0; s < 10; s++) {
  await gql(
    `mutation($p: String!, $site: String!) {
    labelDevices(where: [{ field: "serial", op: STARTS_WITH, value: $p }], setLabels: [{ key: "site", value: $site }])
  }`,
    { p: `h000${s}`, site: `site-${s}` },
  );
}

const FLEET = `query($name: String!, $agg: FleetAgg, $since: DateTime, $until: DateTime, $bucket: Int, $groupBy: String) {
  fleetHistory(where: [{ field: "serial", op: STARTS_WITH, value: "h" }], name: $name, agg: $agg, since: $since, until: $until, bucketSeconds: $bucket, groupBy: $groupBy) {
    group devices points { t value devices }
  }
}`;
interface Answer {
  fleetHistory: Array<{ group: string | null; devices: number; points: Array<{ t: string; value: number; devices: number }> }>;
}
async function fleet(name: string, span: number, bucket: number, groupBy: string | null = null) {
  const until = Date.now();
  const started = performance.now();
  const a = await gql<Answer>(FLEET, {
    name,
    agg: 'SUM',
    since: new Date(until - span).toISOString(),
    until: new Date(until).toISOString(),
    bucket,
    groupBy,
  });
  return { ms: performance.now() - started, series: a.fleetHistory };
}

const cases: Record<string, unknown> = {};
async function run(label: string, span: number, bucket: number, groupBy: string | null, queries: number) {
  // The first read of each parameter fills the cache; it is measured apart.
  const cold: number[] = [];
  for (const name of names) cold.push((await fleet(name, span, bucket, groupBy)).ms);
  const times: number[] = [];
  let check: Awaited<ReturnType<typeof fleet>>['series'] = [];
  for (let i = 0; i < queries; i++) {
    const r = await fleet(names[i % names.length] as string, span, bucket, groupBy);
    times.push(r.ms);
    check = r.series;
  }
  const row = {
    coldMs: { p50: +quantile(cold, 0.5).toFixed(1), max: +Math.max(...cold).toFixed(1) },
    warmMs: {
      p50: +quantile(times, 0.5).toFixed(1),
      p95: +quantile(times, 0.95).toFixed(1),
      p99: +quantile(times, 0.99).toFixed(1),
    },
    series: check.length,
    pointsPerSeries: Math.round(check.reduce((n, s) => n + s.points.length, 0) / Math.max(1, check.length)),
    devicesPerPoint: check[0]?.points[5]?.devices ?? 0,
  };
  cases[label] = row;
  console.log(
    `${label.padEnd(40)} cold p50 ${row.coldMs.p50} ms, warm p50 ${row.warmMs.p50} / p95 ${row.warmMs.p95} / p99 ${row.warmMs.p99} ms (${row.series} series × ${row.pointsPerSeries} points, ${row.devicesPerPoint} devices)`,
  );
}
const queries = Number(args.queries);
await run('SUM, 1,000 devices, 7 d at 1 h', 7 * DAY, 3600, null, queries);
await run('SUM by label:site (10 series), 7 d at 1 h', 7 * DAY, 3600, 'label:site', queries);

// What fleet charts cost the device path: the same load without, then with, two queries a second.
const devices = Number(args.devices);
const load = startLoad({ url: server.url, devices, rate: Number(args.rate) });
const { next, tell } = load;
await next('connected');
tell('go');
await sleep(5);

const seconds = Number(args.seconds);
async function phase(queriesPerSecond: number) {
  tell('measure');
  const ticks = cpuTicks(pid);
  const started = performance.now();
  const times: number[] = [];
  let stop = false;
  const asking = (async () => {
    let i = 0;
    while (!stop && queriesPerSecond > 0) {
      const at = performance.now();
      times.push((await fleet(names[i % names.length] as string, 7 * DAY, 3600, i % 2 ? 'label:site' : null)).ms);
      i++;
      await sleep(Math.max(0, 1000 / queriesPerSecond - (performance.now() - at)) / 1000);
    }
  })();
  await sleep(seconds);
  stop = true;
  await asking;
  const wall = (performance.now() - started) / 1000;
  tell('report');
  const reports = await next('report');
  const h = new Histogram();
  for (const rep of reports) h.add(Histogram.fromSparse(rep.histogram));
  return {
    ackedPerSecond: Math.round(reports.reduce((n, x) => n + x.acked, 0) / wall),
    ackMs: { p50: h.percentile(50), p99: h.percentile(99), max: h.percentile(100) },
    errors: reports.reduce((n, x) => n + x.errors, 0),
    serverCpuCores: Number(((cpuTicks(pid) - ticks) / CLK_TCK / wall).toFixed(2)),
    fleetQueries: times.length,
    fleetQueryMs: times.length ? { p50: +quantile(times, 0.5).toFixed(1), p95: +quantile(times, 0.95).toFixed(1) } : null,
  };
}
const without = await phase(0);
console.log('ingest without fleet queries', JSON.stringify(without));
const withQueries = await phase(2);
console.log('ingest with 2 fleet queries/s ', JSON.stringify(withQueries));
// Last: a day at minute buckets holds 1.44 M units per parameter, near the cache's default budget.
await run('SUM, 1,000 devices, 24 h at 1 min', DAY, 60, null, Math.round(queries / 4));

const rssAfterQueries = Math.round(rssBytes(pid) / 1024 / 1024);
tell('stop');
load.kill();
server.proc.kill('SIGTERM');

const result = {
  at: new Date().toISOString(),
  devices: deviceCount,
  parameters: names.length,
  cases,
  serverRssMiBAfterQueries: rssAfterQueries,
  hotPath: { rate: Number(args.rate), liveDevices: devices, without, with: withQueries },
};
mkdirSync(join(root, 'bench/results'), { recursive: true });
writeFileSync(join(root, 'bench/results/fleet-history-sqlite.json'), `${JSON.stringify(result, null, 2)}\n`);
