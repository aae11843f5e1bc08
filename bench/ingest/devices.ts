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
  /**
   * Protocol v2: on `watch`, every device subscribes to the whole fleet (SUBS) with this interval and these
   * params; one in `sampleEvery` reads its PEER frames and times each value from its `sent_at` to arrival.
   */
  watch?: { intervalMs: number; params?: string[]; sampleEvery: number };
}

export type ToDevices =
  | { op: 'go' }
  | { op: 'watch' }
  | { op: 'measure' }
  | { op: 'report' }
  | { op: 'stop' }
  /** From now on, this worker's frames per second. */
  | { op: 'rate'; rate: number };
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
      /** With `watch`: subscriptions accepted, PEER frames and bytes received, value delivery times (sampled). */
      peers?: { subscribed: number; refused: number; frames: number; bytes: number; histogram: Array<[number, number]> };
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
  /** The control frame in flight is a SUBS. */
  subscribing?: boolean;
  /** Reads and times its PEER frames. */
  sampled?: boolean;
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
const peers = { subscribed: 0, refused: 0, frames: 0, bytes: 0 };
let peerHistogram = new Histogram();
const P = 'P'.charCodeAt(0);

/** A PEER frame: counted; a sampled device times every value's delivery from the `sent_at` it carries. */
function onPeer(d: Device, data: Buffer): void {
  if (!measuring) return;
  peers.frames++;
  peers.bytes += data.length;
  if (!d.sampled) return;
  const now = Date.now();
  const message = (JSON.parse(data.toString()) as { message: string }).message;
  const body = JSON.parse(message.slice(message.indexOf(':', message.indexOf(':') + 1) + 1)) as {
    snapshot: boolean;
    devices: Record<string, { sent_at?: number }>;
  };
  if (body.snapshot) return;
  for (const entry of Object.values(body.devices))
    if (typeof entry.sent_at === 'number') peerHistogram.record(now - entry.sent_at);
}

/** Sends the next queued report of a device that is not waiting for an answer. */
function sendControl(d: Device): boolean {
  const next = d.outbox.shift();
  if (!next) return false;
  d.control = true;
  d.subscribing = next.startsWith('{"type":"SUBS"');
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
    ws.on('message', (data: Buffer) => {
      // {"type":"PEER"…: the IoT channel, never an answer.
      if (welcomed && data[9] === P) {
        onPeer(device, data);
        return;
      }
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
      if (device.control && device.subscribing) {
        device.control = false;
        device.subscribing = false;
        if (ok) peers.subscribed++;
        else peers.refused++;
      } else if (device.control) {
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
let started = 0;
let due = 0;

function run(): void {
  started = performance.now();
  due = 0;
  let value = 0;
  setInterval(() => {
    const target = Math.floor(((performance.now() - started) / 1000) * job.rate);
    let budget = target - due;
    due = target;
    while (budget > 0 && readyHead < ready.length) {
      const d = ready[readyHead++] as Device;
      if (!d.open || d.inFlight) continue;
      // 1009 is prime: every device sees every value in turn (a modulus dividing the fleet size would give each device one value).
      value = (value + 7) % 1009;
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

/** Every device subscribes to the whole fleet (after its frame in flight, like any control frame). */
function watchAll(): void {
  const watch = job.watch;
  if (!watch) return;
  devices.forEach((d, i) => {
    d.sampled = i % watch.sampleEvery === 0;
    const body = JSON.stringify({ where: [], intervalMs: watch.intervalMs, ...(watch.params ? { params: watch.params } : {}) });
    d.outbox.push(JSON.stringify({ type: 'SUBS', message: `${String(d.msgid++).padStart(4, '0')}:${d.serial}:${body}` }));
    if (!d.inFlight) sendControl(d);
  });
}

process.on('message', (msg: ToDevices) => {
  if (msg.op === 'go') run();
  else if (msg.op === 'rate') {
    job.rate = msg.rate;
    started = performance.now();
    due = 0;
  } else if (msg.op === 'watch') watchAll();
  else if (msg.op === 'measure') {
    histogram = new Histogram();
    peerHistogram = new Histogram();
    sent = acked = errors = skipped = closed = 0;
    peers.frames = peers.bytes = 0;
    measuring = true;
  } else if (msg.op === 'report') {
    measuring = false;
    send({
      op: 'report',
      sent,
      acked,
      errors,
      skipped,
      closed,
      histogram: histogram.toSparse(),
      commandsDone,
      peers: { ...peers, histogram: peerHistogram.toSparse() },
    });
  } else if (msg.op === 'stop') {
    for (const d of devices) d.ws.terminate();
    process.exit(0);
  }
});

await connectAll();
