import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDevice } from '../agent/device.ts';
import { MemoryObservations } from '../agent/observations.ts';
import { DiskObservations } from '../agent/standalone/offline-buffer.ts';
import { formatDeviceFrame } from '../protocol/frames.ts';
import { connectDevice } from './support/device.ts';
import { data } from './support/graphql.ts';
import { freePort } from './support/own-redis.ts';
import { startServer, type TestServer, tempDir } from './support/server.ts';
import { V2TestDevice } from './support/v2-device.ts';
import { eventually } from './support/wait.ts';

const HISTORY = `query($s: String!, $n: String!, $since: DateTime!) { device(serial: $s) { lastSeen history(name: $n, since: $since) { t value } } }`;
const history = async (url: string, serial: string, name: string) =>
  (
    await data<{ device: { lastSeen: string; history: Array<{ t: string; value: unknown }> } }>(url, HISTORY, {
      s: serial,
      n: name,
      since: new Date(Date.now() - 3 * 86_400_000).toISOString(),
    })
  ).device;

describe('observation times (protocol v2 "at")', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ observedMaxAgeSeconds: 86_400 });
  });
  afterAll(() => server.close());

  it('keeps a late value in history at its observation time; lastSeen stays the arrival', async () => {
    const d = await V2TestDevice.connect(server.deviceUrl);
    const hourAgo = Date.now() - 3_600_000;
    expect(await d.request(formatDeviceFrame('UPDT', 1, 'late-1', { temp: 20 }, hourAgo))).toMatchObject({ ok: true });
    expect(await d.request(formatDeviceFrame('UPDT', 2, 'late-1', { temp: 21 }))).toMatchObject({ ok: true });
    const h = await history(server.url, 'late-1', 'temp');
    expect(h.history.map((p) => [Date.parse(p.t), p.value])).toEqual([
      [hourAgo, 20],
      [expect.any(Number), 21],
    ]);
    expect(Date.parse(h.lastSeen)).toBeGreaterThan(Date.now() - 60_000);
    // A clock ahead of the server's: taken as now.
    expect(await d.request(formatDeviceFrame('UPDT', 3, 'late-1', { temp: 22 }, Date.now() + 3_600_000))).toMatchObject({
      ok: true,
    });
    const ahead = (await history(server.url, 'late-1', 'temp')).history.at(-1);
    expect(Date.parse(ahead?.t ?? '')).toBeLessThanOrEqual(Date.now());
    d.ws.terminate();
  });

  it('refuses a value observed before the window, and an "at" that is not a time', async () => {
    const d = await V2TestDevice.connect(server.deviceUrl);
    expect(await d.request(formatDeviceFrame('UPDT', 1, 'late-2', { temp: 1 }, Date.now() - 2 * 86_400_000))).toEqual({
      head: '0001:late-2',
      ok: false,
      reason: 'observed longer ago than the server keeps late values (OBSERVED_MAX_AGE_SECONDS)',
    });
    const bad = JSON.stringify({ type: 'UPDT', message: '0002:late-2:{"temp":1}', at: 'yesterday' });
    expect(await d.request(bad)).toMatchObject({
      ok: false,
      reason: expect.stringContaining('"at" must be the observation time'),
    });
    d.ws.terminate();
  });

  it('ignores "at" from a v1 device: the original protocol, unchanged', async () => {
    const d = await connectDevice(server.deviceUrl);
    const text = JSON.stringify({ type: 'UPDT', message: '0001:late-v1:{"temp":5}', at: Date.now() - 3_600_000 });
    d.send(text);
    expect(await d.nextAnswer()).toMatchObject({ head: '0001:late-v1', ok: true });
    const h = await history(server.url, 'late-v1', 'temp');
    expect(Date.parse(h.history[0]?.t ?? '')).toBeGreaterThan(Date.now() - 60_000);
    await d.close();
  });
});

describe('the offline buffer', () => {
  it('sends what was observed while the server was down, oldest first, each at its time', async () => {
    const port = await freePort();
    const buffer = new MemoryObservations();
    const device = createDevice({
      url: `ws://127.0.0.1:${port}/update/`,
      serial: 'buf-1',
      minIntervalMs: 0,
      reconnectDelayMs: 200,
      maxReconnectDelayMs: 300,
      offlineBuffer: buffer,
    });
    const times: number[] = [];
    for (const v of [1, 2, 3]) {
      times.push(Date.now());
      device.set({ level: v });
      await new Promise((r) => setTimeout(r, 30));
    }
    expect(buffer.size).toBe(3);
    const server = await startServer({ port });
    try {
      await eventually(
        () => Promise.resolve(buffer.size),
        (n) => n === 0,
        10_000,
      );
      const h = await history(server.url, 'buf-1', 'level');
      expect(h.history.map((p) => p.value)).toEqual([1, 2, 3]);
      h.history.forEach((p, i) => {
        expect(Math.abs(Date.parse(p.t) - (times[i] as number))).toBeLessThan(25);
      });
      // Connected now: new values go live, not through the buffer.
      device.set({ level: 4 });
      await eventually(
        async () => (await history(server.url, 'buf-1', 'level')).history.length,
        (n) => n === 4,
        5000,
      );
      expect(buffer.size).toBe(0);
    } finally {
      await device.close();
      await server.close();
    }
  });

  it('keeps its observations on disk across a restart of the agent, and drops the oldest beyond its bound', () => {
    const dir = tempDir('smartos-buffer-');
    try {
      const file = join(dir.path, 'offline.jsonl');
      const first = new DiskObservations(file, 200);
      for (let i = 0; i < 10; i++) first.push({ at: 1_700_000_000_000 + i, values: { n: i } });
      expect(first.dropped).toBeGreaterThan(0);
      const kept = first.size;
      const again = new DiskObservations(file, 200);
      expect(again.size).toBe(kept);
      expect(again.first()?.values).toEqual({ n: 10 - kept });
      again.shift();
      expect(new DiskObservations(file, 200).size).toBe(kept - 1);
      while (again.size > 0) again.shift();
      expect(existsSync(file) && readFileSync(file, 'utf8')).toBe('');
    } finally {
      dir.remove();
    }
  });
});
