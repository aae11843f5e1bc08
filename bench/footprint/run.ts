// `npm run bench:footprint -- [--devices 1000] [--known 100] [--idle-seconds 20] [--rate 2000] [--load-seconds 15] [--before DIR]`
// Resident memory of the server as `npm start` ran it before (TypeScript through tsx) and as it runs now
// (compiled JavaScript), in one run: idle with `--known` devices registered, then with `--devices` connected;
// then what it costs the device path: ack p99 with those devices sending `--rate` frames/s.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { WebSocket } from 'ws';
import { formatDeviceFrame } from '../../protocol/frames.ts';
import { quantile, root, rssBytes, startServerProcess } from '../server-process.ts';

const { values: args } = parseArgs({
  options: {
    devices: { type: 'string', default: '1000' },
    known: { type: 'string', default: '100' },
    'idle-seconds': { type: 'string', default: '20' },
    /** A checkout of an earlier commit (with node_modules) to measure as it ran: TypeScript through tsx. */
    before: { type: 'string' },
    rate: { type: 'string', default: '2000' },
    'load-seconds': { type: 'string', default: '15' },
  },
});
const devices = Number(args.devices);
const known = Number(args.known);
const idleSeconds = Number(args['idle-seconds']);
const MB = 1024 * 1024;
const rate = Number(args.rate);
const loadSeconds = Number(args['load-seconds']);

// A SolMate-like frame: what a home battery reports.
const frame = (k: number, msgid: number) =>
  formatDeviceFrame('UPDT', msgid, `fp-${String(k).padStart(6, '0')}`, {
    pv_power: 100 + (k % 400),
    battery_state: 0.2 + (k % 70) / 100,
    inject_power: k % 300,
    temperature: 20 + (k % 15),
    solmate_version: 'v2',
    postcode: 1010 + (k % 100),
  });

/** Opens `count` device sockets, sends one frame on each and waits for its answer. */
async function connect(url: string, count: number): Promise<WebSocket[]> {
  const sockets: WebSocket[] = [];
  for (let start = 0; start < count; start += 200) {
    const batch = Array.from({ length: Math.min(200, count - start) }, (_, i) => {
      const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/update/`);
      sockets.push(ws);
      return new Promise<void>((resolve, reject) => {
        let answered = false;
        ws.on('message', () => {
          // The first message is the welcome; the second the answer to our frame.
          if (answered) return resolve();
          answered = true;
          ws.send(frame(start + i, 1));
        });
        ws.once('error', reject);
      });
    });
    await Promise.all(batch);
  }
  return sockets;
}

/**
 * Every device sends frames, one in flight each (like the originals), `rate` frames/s in all; the
 * latency from send to answer of each, after a few seconds of warm-up.
 */
async function ackLatencies(sockets: WebSocket[]): Promise<number[]> {
  const sentAt = new Map<WebSocket, number>();
  const latencies: number[] = [];
  const started = performance.now();
  let msgid = 2;
  for (const ws of sockets) {
    ws.removeAllListeners('message');
    ws.on('message', () => {
      const at = sentAt.get(ws);
      sentAt.delete(ws);
      if (at !== undefined && performance.now() - started > 3000) latencies.push(performance.now() - at);
    });
  }
  let next = 0;
  const perTick = rate / 100;
  let owed = 0;
  const timer = setInterval(() => {
    owed += perTick;
    for (let tries = 0; owed >= 1 && tries < sockets.length; tries++) {
      const k = next++ % sockets.length;
      const ws = sockets[k] as WebSocket;
      if (sentAt.has(ws)) continue;
      sentAt.set(ws, performance.now());
      ws.send(frame(k, msgid++));
      owed -= 1;
    }
  }, 10);
  await new Promise((r) => setTimeout(r, (loadSeconds + 3) * 1000));
  clearInterval(timer);
  return latencies;
}

/** The median of RSS samples once a second: one sample lands wherever GC happens to be. */
async function settledRss(pid: number, seconds: number): Promise<number> {
  const samples: number[] = [];
  for (let s = 0; s < seconds; s++) {
    await new Promise((r) => setTimeout(r, 1000));
    samples.push(rssBytes(pid));
  }
  return quantile(samples.slice(Math.floor(seconds / 2)), 0.5);
}

async function measure(label: string, entry: 'source' | 'dist', cwd = root) {
  const dataDir = mkdtempSync(join(tmpdir(), 'smartos-footprint-'));
  const server = await startServerProcess(
    ['--data-dir', dataDir, '--log-level', 'info'],
    ['--max-semi-space-size=64'],
    { AUTH: 'on', ADMIN_PASSWORD: 'footprint-bench-password' },
    entry,
    cwd,
  );
  const pid = server.proc.pid as number;
  try {
    const first = await connect(server.url, known);
    for (const ws of first) ws.close();
    const idle = await settledRss(pid, idleSeconds);
    const sockets = await connect(server.url, devices);
    const connected = await settledRss(pid, idleSeconds);
    const latencies = await ackLatencies(sockets);
    for (const ws of sockets) ws.close();
    return {
      label,
      idleMB: Math.round(idle / MB),
      connectedMB: Math.round(connected / MB),
      ackedPerSecond: Math.round(latencies.length / loadSeconds),
      ackP50Ms: Math.round(quantile(latencies, 0.5) * 10) / 10,
      ackP99Ms: Math.round(quantile(latencies, 0.99) * 10) / 10,
    };
  } finally {
    server.proc.kill('SIGTERM');
    await new Promise((r) => server.proc.once('exit', r));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const results = [];
if (args.before) results.push(await measure(`before (${args.before}, tsx)`, 'source', args.before));
results.push(await measure('now, tsx (npm run dev tools)', 'source'), await measure('now, compiled (npm start)', 'dist'));
const report = { date: new Date().toISOString(), node: process.version, known, devices, idleSeconds, rate, loadSeconds, results };
console.table(results);
writeFileSync(join(root, 'bench/results/footprint.json'), `${JSON.stringify(report, null, 2)}\n`);
