// Load generator child: plays `count` devices the way the originals behave (one frame in flight,
// waiting for its answer) at an aggregate rate, and measures the time from send to OK.
import { WebSocket } from 'ws';
import { Histogram } from './histogram.ts';

export interface DevicesJob {
  urls: string[];
  first: number;
  count: number;
  /** Frames per second for all of this worker's devices together. */
  rate: number;
  connectPerSecond: number;
  /** Source addresses to spread connections over (past the ephemeral port limit). */
  localAddresses: string[];
  /** Protocol v2: devices take commands, answering each `received` then `succeeded`. */
  v2?: boolean;
}

export type ToDevices = { op: 'go' } | { op: 'measure' } | { op: 'report' } | { op: 'stop' };
export type FromDevices =
  | { op: 'connected'; connected: number; failed: number }
  | {
      op: 'report';
      sent: number;
      acked: number;
      errors: number;
      skipped: number;
      closed: number;
      histogram: Array<[number, number]>;
      /** v2: commands this worker's devices finished (their `succeeded` acknowledged). */
      commandsDone: number;
    };

interface Device {
  ws: WebSocket;
  serial: string;
  msgid: number;
  sentAt: number;
  inFlight: boolean;
  open: boolean;
  /** v2 reports waiting to be sent, before any value frame. */
  outbox: string[];
  /** The frame in flight is a report (its answer is not an ack latency sample). */
  control: boolean;
}

const job = JSON.parse(process.env.BENCH_JOB ?? '{}') as DevicesJob;
const send = (msg: FromDevices) => process.send?.(msg);
const devices: Device[] = [];
/** Devices not waiting for an answer, in the order they became free (each sends at most once per lap). */
const ready: Device[] = [];
let readyHead = 0;
let histogram = new Histogram();
let measuring = false;
let sent = 0;
let acked = 0;
let errors = 0;
let skipped = 0;
let closed = 0;
let commandsDone = 0;

/** Sends the next queued report of a device that is not waiting for an answer. */
function sendControl(d: Device): boolean {
  const next = d.outbox.shift();
  if (!next) return false;
  d.control = true;
  d.inFlight = true;
  d.ws.send(next);
  return true;
}

function connect(index: number): Promise<Device | null> {
  const serial = `b${String(job.first + index).padStart(6, '0')}`;
  const url = job.urls[(job.first + index) % job.urls.length] as string;
  const localAddress = job.localAddresses[index % job.localAddresses.length];
  return new Promise((resolve) => {
    const ws = new WebSocket(url, job.v2 ? ['smart-os.v2'] : [], { perMessageDeflate: false, localAddress });
    const device: Device = { ws, serial, msgid: 0, sentAt: 0, inFlight: false, open: false, outbox: [], control: false };
    let welcomed = false;
    ws.on('message', (data) => {
      if (!welcomed) {
        welcomed = true;
        device.open = true;
        resolve(device);
        return;
      }
      const text = data.toString();
      if (text.startsWith('{"type":"CMND"')) {
        const cmdid = text.slice(text.indexOf('"message":"') + 11).split(':', 1)[0];
        const report = (status: string) => `{"type":"RSLT","message":"${cmdid}:${serial}:{\\"status\\":\\"${status}\\"}"}`;
        device.outbox.push(report('received'), report('succeeded'));
        if (!device.inFlight) sendControl(device);
        return;
      }
      device.inFlight = false;
      const ok = text.endsWith(':OK"}');
      if (device.control) {
        // The answer to a report: the second (succeeded) one, answered OK, finishes the command.
        device.control = false;
        if (ok && device.outbox.length === 0) commandsDone++;
      } else if (measuring) {
        if (ok) {
          acked++;
          histogram.record(performance.now() - device.sentAt);
        } else errors++;
      }
      if (!sendControl(device)) ready.push(device);
    });
    ws.on('error', () => resolve(null));
    ws.on('close', () => {
      if (device.open) closed++;
      device.open = false;
      device.inFlight = false;
    });
  });
}

async function connectAll(): Promise<void> {
  const batch = Math.max(1, Math.round(job.connectPerSecond / 20));
  let failed = 0;
  for (let i = 0; i < job.count; i += batch) {
    const started = performance.now();
    const opened = await Promise.all(Array.from({ length: Math.min(batch, job.count - i) }, (_, k) => connect(i + k)));
    for (const d of opened) {
      if (d) {
        devices.push(d);
        ready.push(d);
      } else failed++;
    }
    const wait = 50 - (performance.now() - started);
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }
  send({ op: 'connected', connected: devices.length, failed });
}

/**
 * Sends, every 5 ms, the frames due by now, from the queue of devices that are not waiting for an
 * answer (the original devices send one frame at a time). Frames due while every device waits are
 * counted as skipped: the server is not keeping up.
 */
function run(): void {
  const started = performance.now();
  let due = 0;
  let value = 0;
  setInterval(() => {
    const target = Math.floor(((performance.now() - started) / 1000) * job.rate);
    let budget = target - due;
    due = target;
    while (budget > 0 && readyHead < ready.length) {
      const d = ready[readyHead++] as Device;
      if (!d.open || d.inFlight) continue;
      value = (value + 7) % 1000;
      const msgid = String(d.msgid++).padStart(4, '0');
      d.sentAt = performance.now();
      d.inFlight = true;
      d.ws.send(`{"type":"UPDT","message":"${msgid}:${d.serial}:{\\"power\\": ${value}, \\"sent_at\\": ${Date.now()}}"}`);
      if (measuring) sent++;
      budget--;
    }
    if (measuring) skipped += budget;
    if (readyHead > 65_536) {
      ready.splice(0, readyHead);
      readyHead = 0;
    }
  }, 5);
}

process.on('message', (msg: ToDevices) => {
  if (msg.op === 'go') run();
  else if (msg.op === 'measure') {
    histogram = new Histogram();
    sent = acked = errors = skipped = closed = 0;
    measuring = true;
  } else if (msg.op === 'report') {
    measuring = false;
    send({ op: 'report', sent, acked, errors, skipped, closed, histogram: histogram.toSparse(), commandsDone });
  } else if (msg.op === 'stop') {
    for (const d of devices) d.ws.terminate();
    process.exit(0);
  }
});

await connectAll();
