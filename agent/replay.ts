// `npm run replay -- [--url ws://127.0.0.1:8000/update/] [--file test/fixtures/seed-traffic.jsonl] [--speed 60]`
// Plays recorded device traffic (the fixture, or a server's own traffic log) into a server, one socket per
// device, each frame waiting for its answer like the original devices. A quick way to see a fleet.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { WebSocket } from 'ws';
import { parseAnswer } from '../protocol/frames.ts';

const defaultFile = fileURLToPath(new URL('../test/fixtures/seed-traffic.jsonl', import.meta.url));
const { values } = parseArgs({
  options: {
    url: { type: 'string', default: 'ws://127.0.0.1:8000/update/' },
    file: { type: 'string', default: defaultFile },
    speed: { type: 'string', default: '60' }, // 0 floods: the server allows 100 frames/s per socket by default
    help: { type: 'boolean', short: 'h' },
  },
});
if (values.help) {
  console.log('npm run replay -- [--url ws://host:port/update/] [--file traffic.jsonl] [--speed N (0 = as fast as answered)]');
  process.exit(0);
}

interface Line {
  logged_at: string;
  frame: string;
}
const lines = readFileSync(values.file, 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '')
  .map((l) => JSON.parse(l) as Line);
const speed = Number(values.speed);
const time = (l: Line) => Date.parse(l.logged_at.replace(' ', 'T').replace(',', '.'));
const first = time(lines[0] as Line);

const bySerial = new Map<string, Line[]>();
for (const line of lines) {
  const message = (JSON.parse(line.frame) as { message?: unknown }).message;
  const serial = typeof message === 'string' ? (message.split(':', 2)[1] ?? '') : '';
  bySerial.set(serial, [...(bySerial.get(serial) ?? []), line]);
}

let ok = 0;
let failed = 0;
const started = Date.now();
async function play(list: Line[]): Promise<void> {
  const ws = new WebSocket(values.url);
  const answers: Array<(text: string) => void> = [];
  let closed = false;
  ws.on('message', (data) => answers.shift()?.(data.toString()));
  ws.on('close', (code, reason) => {
    closed = true;
    if (code !== 1000 && code !== 1005) console.error(`\nserver closed a device socket: ${code} ${reason.toString()}`);
    for (const answer of answers.splice(0)) answer('');
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('error', reject);
    answers.push(() => resolve()); // the welcome
  });
  for (const line of list) {
    if (closed) {
      failed++;
      continue;
    }
    const due = speed > 0 ? started + (time(line) - first) / speed : 0;
    const wait = due - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const answer = await new Promise<string>((resolve) => {
      answers.push(resolve);
      ws.send(line.frame);
    });
    if (parseAnswer(answer)?.ok) ok++;
    else failed++;
  }
  ws.close();
}

const timer = setInterval(() => process.stdout.write(`\r${ok} OK, ${failed} ERROR of ${lines.length} frames`), 500);
await Promise.all([...bySerial.values()].map(play));
clearInterval(timer);
console.log(`\r${ok} OK, ${failed} ERROR of ${lines.length} frames from ${bySerial.size} devices`);
