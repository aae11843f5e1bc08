// Subscriber child: dashboards watching the whole fleet over graphql-ws; measures how old the newest
// value of each device is when it arrives (device send time → subscriber receive time).
import { createClient } from 'graphql-ws';
import { WebSocket } from 'ws';
import { Histogram } from './histogram.ts';

export interface SubscribersJob {
  urls: string[];
  count: number;
}
export type ToSubscribers = { op: 'measure' } | { op: 'report' } | { op: 'stop' };
export type FromSubscribers =
  | { op: 'subscribed' }
  | { op: 'report'; batches: number; updates: number; histogram: Array<[number, number]> };

const job = JSON.parse(process.env.BENCH_JOB ?? '{}') as SubscribersJob;
const send = (msg: FromSubscribers) => process.send?.(msg);
let histogram = new Histogram();
let measuring = false;
let batches = 0;
let updates = 0;

interface Batch {
  deviceUpdates: { updates: Array<{ serial: string; values: { sent_at?: number } }>; left: string[] };
}

const clients = Array.from({ length: job.count }, (_, i) =>
  createClient({ url: job.urls[i % job.urls.length] as string, webSocketImpl: WebSocket, lazy: false, retryAttempts: 0 }),
);
let live = 0;
if (clients.length === 0) send({ op: 'subscribed' });
for (const client of clients) {
  client.subscribe<Batch['deviceUpdates']>(
    { query: 'subscription { deviceUpdates { updates { serial values lastSeen } left } }' },
    {
      next: (result) => {
        const now = Date.now();
        const batch = (result.data as unknown as Batch | undefined)?.deviceUpdates;
        if (!measuring || !batch) return;
        batches++;
        for (const u of batch.updates) {
          updates++;
          if (typeof u.values.sent_at === 'number') histogram.record(now - u.values.sent_at);
        }
      },
      error: (err) => console.error('subscription error', err),
      complete: () => {},
    },
  );
  client.on('connected', () => {
    if (++live === clients.length) setTimeout(() => send({ op: 'subscribed' }), 200);
  });
}

process.on('message', (msg: ToSubscribers) => {
  if (msg.op === 'measure') {
    histogram = new Histogram();
    batches = updates = 0;
    measuring = true;
  } else if (msg.op === 'report') {
    measuring = false;
    send({ op: 'report', batches, updates, histogram: histogram.toSparse() });
  } else if (msg.op === 'stop') {
    for (const c of clients) void c.dispose();
    process.exit(0);
  }
});
