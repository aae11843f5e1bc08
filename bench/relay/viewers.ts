// Viewer child of the relay benchmark: plain sockets on the relay's /viewers, timing each forwarded frame
// from its `sent_at` (device send time) to arrival, as bench/ingest/subscribers.ts does for ours.
import { WebSocket } from 'ws';
import { Histogram } from '../ingest/histogram.ts';
import type { FromSubscribers, ToSubscribers } from '../ingest/subscribers.ts';

const job = JSON.parse(process.env.BENCH_JOB ?? '{}') as { url: string; count: number };
const send = (msg: FromSubscribers) => process.send?.(msg);
let histogram = new Histogram();
let measuring = false;
let frames = 0;
let open = 0;
for (let i = 0; i < job.count; i++) {
  const ws = new WebSocket(`${job.url.replace(/^http/, 'ws')}/viewers`, { perMessageDeflate: false });
  ws.on('open', () => {
    if (++open === job.count) send({ op: 'subscribed' });
  });
  ws.on('message', (data: Buffer) => {
    if (!measuring) return;
    const m = /sent_at\\":\s*(\d+)/.exec(data.toString());
    frames++;
    if (m) histogram.record(Date.now() - Number(m[1]));
  });
}
process.on('message', (msg: ToSubscribers) => {
  if (msg.op === 'measure') {
    histogram = new Histogram();
    frames = 0;
    measuring = true;
  } else if (msg.op === 'report') {
    send({ op: 'report', batches: frames, updates: frames, histogram: histogram.toSparse() });
  } else process.exit(0);
});
