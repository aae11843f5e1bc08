// `npm run bench:dashboard -- [--devices 10000] [--rate 2000] [--seconds 30]`
// A real browser on the dashboard of a server with N devices: how fast a page switch and a new filter show
// their rows, and how smooth the table and the overview stay while the fleet sends `rate` frames per second
// (and the device path's ack p99 with no page, the table, the overview open).
import { fork } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import type { DevicesJob, FromDevices } from '../ingest/devices.ts';
import { Histogram } from '../ingest/histogram.ts';
import { quantile, root, type ServerProc, startServerProcess } from '../server-process.ts';

const { values: args } = parseArgs({
  options: {
    devices: { type: 'string', default: '10000' },
    rate: { type: 'string', default: '2000' },
    seconds: { type: 'string', default: '30' },
    switches: { type: 'string', default: '20' },
  },
});
const devices = Number(args.devices);
const rate = Number(args.rate);

function startServer(dataDir: string): Promise<ServerProc> {
  return startServerProcess(['--data-dir', dataDir], ['--max-semi-space-size=64']);
}

// In-page code goes as text: tsx wraps named functions in a helper the browser does not have.
const ARM_ROW_WATCH = `(() => {
  const rows = () => [...document.querySelectorAll('tbody tr')].map((tr) => tr.getAttribute('data-serial')).join();
  const before = rows();
  window.__changed = new Promise((resolve) => {
    const observer = new MutationObserver(() => {
      if (rows() !== before) {
        observer.disconnect();
        requestAnimationFrame(() => resolve(performance.now() - window.__t0));
      }
    });
    observer.observe(document.querySelector('tbody'), { childList: true, subtree: true });
    setTimeout(() => { observer.disconnect(); resolve(-1); }, 10000);
  });
  window.__t0 = performance.now();
})()`;

const COUNT_FRAMES = (ms: number) => `new Promise((resolve) => {
  let n = 0;
  const end = performance.now() + ${ms};
  const step = () => { n++; if (performance.now() < end) requestAnimationFrame(step); else resolve(n); };
  requestAnimationFrame(step);
})`;

/** Time from an action to the first row of the table changing (and painted), measured inside the page. */
async function timeToNewRows(page: Page, act: () => Promise<void>): Promise<number> {
  // -1: the rows did not change within 10 s (a bug, or an action that shows the same rows).
  await page.evaluate(ARM_ROW_WATCH);
  await act();
  return (await page.evaluate('window.__changed')) as number;
}

const dataDir = mkdtempSync(join(tmpdir(), 'smartos-dash-'));
const server = await startServer(dataDir);
console.log(`server ${server.url}; connecting ${devices} devices`);
const loader = fork(join(root, 'bench/ingest/devices.ts'), [], {
  execArgv: ['--import', 'tsx'],
  env: {
    ...process.env,
    BENCH_JOB: JSON.stringify({
      urls: [`${server.url.replace('http', 'ws')}/update/`],
      first: 0,
      count: devices,
      rate,
      connectPerSecond: 4000,
      localAddresses: Array.from({ length: 4 }, (_, k) => `127.0.9.${k + 1}`),
    } satisfies DevicesJob),
  },
  stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
});
await new Promise<void>((resolve) => loader.on('message', (m: { op: string }) => m.op === 'connected' && resolve()));
loader.send({ op: 'go' });
await new Promise((r) => setTimeout(r, (devices / rate) * 1000 + 2000)); // every device has sent once

const profile = mkdtempSync(join(tmpdir(), 'smartos-chromium-'));
const context: BrowserContext = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  headless: true,
  viewport: { width: 1400, height: 900 },
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
});
const page = await context.newPage();
await page.addInitScript(`
  window.__long = [];
  new PerformanceObserver((list) => { for (const e of list.getEntries()) window.__long.push(e.duration); })
    .observe({ type: 'longtask', buffered: true });
`);
await page.goto(`${server.url}/?sort=power:desc`);
await page.locator('tbody tr').nth(19).waitFor();
await page.locator('.link-live').waitFor();

const pageSwitches: number[] = [];
for (let i = 0; i < Number(args.switches); i++) {
  const button = i % 2 === 0 ? 'Next page' : 'Previous page';
  pageSwitches.push(await timeToNewRows(page, () => page.getByRole('button', { name: button }).click()));
}
console.log('page switches (ms):', pageSwitches.map(Math.round).join(' '));
const filters: number[] = [];
await page.getByRole('button', { name: '+ Add condition' }).click();
const condition = page.getByRole('group', { name: 'Condition 1' });
await condition.getByLabel('Field').selectOption('serial');
for (let i = 0; i < 10; i++) {
  const value = `b00${(i + 1) % 10}`; // each differs from the rows before it
  filters.push(
    await timeToNewRows(page, async () => {
      await condition.getByLabel('Value').fill(value);
      await condition.getByLabel('Value').press('Enter');
    }),
  );
}
console.log('new filters (ms):', filters.map(Math.round).join(' '));

// Smoothness: long tasks and frame rate over a window under the load, and the device path's ack p99 meanwhile.
const seconds = Number(args.seconds);
async function ackWindow<T>(during: () => Promise<T>): Promise<{ value: T; ackP99Ms: number; ackedPerSecond: number }> {
  loader.send({ op: 'measure' });
  const started = performance.now();
  const value = await during();
  const wall = (performance.now() - started) / 1000;
  const report = new Promise<FromDevices>((resolve) => {
    const on = (m: FromDevices) => {
      if (m.op !== 'report') return;
      loader.off('message', on);
      resolve(m);
    };
    loader.on('message', on);
  });
  loader.send({ op: 'report' });
  const r = (await report) as Extract<FromDevices, { op: 'report' }>;
  return { value, ackP99Ms: Histogram.fromSparse(r.histogram).percentile(99), ackedPerSecond: Math.round(r.acked / wall) };
}
async function smooth(url: string, ready: () => Promise<unknown>) {
  await page.goto(url);
  await ready();
  await page.evaluate('window.__long = []');
  return ackWindow(async () => {
    const frames = (await page.evaluate(COUNT_FRAMES(seconds * 1000))) as number;
    const longTasks = (await page.evaluate('window.__long')) as number[];
    return {
      seconds,
      framesPerSecond: Math.round(frames / seconds),
      longTasks: longTasks.length,
      longTaskMsTotal: Math.round(longTasks.reduce((a, b) => a + b, 0)),
      longTaskMsMax: Math.round(Math.max(0, ...longTasks)),
    };
  });
}
await page.goto('about:blank');
const noPage = await ackWindow(() => new Promise((r) => setTimeout(r, seconds * 1000)));
console.log(`no dashboard open: ack p99 ${noPage.ackP99Ms} ms`);
const table = await smooth(`${server.url}/?tab=devices`, () => page.locator('tbody tr').nth(19).waitFor());
const flashes = await page.locator('td.flash').count();
console.log('table:', JSON.stringify(table));
// The overview pinned to what the load sends: `power`, as tiles, charts over the last hour, its distribution.
await page.evaluate(
  `localStorage.setItem('smartos.overview', JSON.stringify(${JSON.stringify({
    tiles: [
      { name: 'power', agg: 'SUM' },
      { name: 'power', agg: 'AVG' },
      { name: 'power', agg: 'MAX' },
    ],
    charts: [
      { name: 'power', agg: 'SUM', groupBy: null },
      { name: 'power', agg: 'MAX', groupBy: null },
    ],
    distribution: 'power',
    range: '1h',
  })}))`,
);
const overview = await smooth(`${server.url}/`, async () => {
  await page.locator('.tiles[data-updated="yes"]').waitFor();
  await page.locator('.fleet-chart .trend-plot').first().waitFor();
});
console.log('overview:', JSON.stringify(overview));

const result = {
  date: new Date().toISOString(),
  devices,
  framesPerSecondFromDevices: rate,
  pageSwitchMs: { p50: quantile(pageSwitches, 0.5), p95: quantile(pageSwitches, 0.95), max: Math.max(...pageSwitches) },
  newFilterMs: { p50: quantile(filters, 0.5), p95: quantile(filters, 0.95), max: Math.max(...filters) },
  smoothness: { ...table.value, cellsFlashingAtTheEnd: flashes },
  overview: overview.value,
  /** The device path while nobody looks, while the table is open, while the overview is open. */
  ackP99Ms: { noDashboard: noPage.ackP99Ms, table: table.ackP99Ms, overview: overview.ackP99Ms },
  ackedPerSecond: { noDashboard: noPage.ackedPerSecond, table: table.ackedPerSecond, overview: overview.ackedPerSecond },
};
console.log(JSON.stringify(result, null, 2));
mkdirSync(join(root, 'bench/results'), { recursive: true });
writeFileSync(join(root, 'bench/results', `dashboard-${devices}d-${rate}fps.json`), `${JSON.stringify(result, null, 2)}\n`);

await context.close();
rmSync(profile, { recursive: true, force: true });
loader.send({ op: 'stop' });
server.proc.kill('SIGTERM');
await new Promise((r) => server.proc.once('exit', r));
rmSync(dataDir, { recursive: true, force: true });
process.exit(0);
