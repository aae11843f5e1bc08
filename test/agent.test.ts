import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { reconnectDelay } from '../agent/backoff.ts';
import { createDevice, type Device } from '../agent/device.ts';
import { ConnectionState, type ErrorEvent } from '../agent/device-options.ts';
import { ErrorReason } from '../protocol/codes.ts';
import { FakeDeviceServer } from './support/fake-device-server.ts';

const until = (device: Device, state: ConnectionState) =>
  new Promise<void>((resolve) => {
    if (device.state === state) return resolve();
    const on = (to: ConnectionState) => {
      if (to !== state) return;
      device.off('state', on);
      resolve();
    };
    device.on('state', on);
  });

describe('the device agent', () => {
  let server: FakeDeviceServer;
  const devices: Device[] = [];
  const make = (options: Partial<Parameters<typeof createDevice>[0]> = {}) => {
    const d = createDevice({ url: server.url, serial: 'ag-1', minIntervalMs: 0, reconnectDelayMs: 50, ...options });
    devices.push(d);
    return d;
  };

  beforeEach(async () => {
    server = await FakeDeviceServer.start();
  });
  afterEach(async () => {
    await Promise.all(devices.splice(0).map((d) => d.close()));
    await server.close();
  });

  it('sends only what changed since the last acknowledged state', async () => {
    const d = make();
    await until(d, ConnectionState.Connected);
    d.set({ battery: 50, country: 'AT' });
    await d.flush();
    d.set({ battery: 50, country: 'AT' }); // no change
    d.set('battery', 51);
    d.set('battery', 50); // back to what the server has
    d.set('mode', 'charging');
    await d.flush();
    expect(server.bodies()).toEqual([{ battery: 50, country: 'AT' }, { mode: 'charging' }]);
    expect(server.received.map((r) => r.frame.msgid)).toEqual(['0000', '0001']);
  });

  it('merges changes within the minimum interval into one frame', async () => {
    const d = make({ minIntervalMs: 300 });
    await until(d, ConnectionState.Connected);
    d.set('a', 1);
    await server.waitForFrames(1);
    d.set('b', 1);
    await new Promise((r) => setTimeout(r, 50));
    d.set('c', 1);
    d.set('b', 2);
    const frames = await server.waitForFrames(2);
    expect(server.bodies()).toEqual([{ a: 1 }, { b: 2, c: 1 }]);
    // Arrival times carry the loopback's jitter (289.93 ms was seen): a tolerance, not the exact bound.
    // Without the minimum interval the second frame would follow within about 50 ms.
    expect((frames[1]?.at ?? 0) - (frames[0]?.at ?? 0)).toBeGreaterThanOrEqual(250);
  });

  it('keeps one frame in flight and sends what changed meanwhile after the answer', async () => {
    server.reply = () => 'none';
    const d = make();
    await until(d, ConnectionState.Connected);
    d.set('v', 1);
    await server.waitForFrames(1);
    d.set('v', 2);
    d.set('w', true);
    await new Promise((r) => setTimeout(r, 100));
    expect(server.received).toHaveLength(1); // waiting for the answer
    server.reply = () => ({ ok: true });
    server.connections[0]?.send(JSON.stringify({ type: 'INFO', message: '0000:ag-1:OK' })); // the late answer
    await server.waitForFrames(2);
    expect(server.bodies()).toEqual([{ v: 1 }, { v: 2, w: true }]);
  });

  it('resends an unanswered frame with the same msgid after reconnecting', async () => {
    server.reply = () => 'none';
    const d = make();
    await until(d, ConnectionState.Connected);
    d.set('level', 7);
    const [first] = await server.waitForFrames(1);
    server.reply = () => ({ ok: true });
    const acked = new Promise((resolve) => d.once('ack', resolve));
    server.dropAll();
    await server.waitForFrames(2);
    expect(server.received[1]?.text).toBe(first?.text);
    expect(server.received[1]?.connection).toBe(1);
    expect(await acked).toMatchObject({ msgid: '0000', values: { level: 7 } });
  });

  it('takes a frame without an answer within the timeout as a lost connection', async () => {
    let answer = false;
    server.reply = () => (answer ? { ok: true } : 'none');
    const d = make({ answerTimeoutMs: 300 });
    await until(d, ConnectionState.Connected);
    d.set('x', 1);
    await server.waitForFrames(1);
    answer = true;
    await server.waitForFrames(2); // after the timeout, on a new connection
    expect(server.received.map((r) => [r.frame.msgid, r.connection])).toEqual([
      ['0000', 0],
      ['0000', 1],
    ]);
  });

  it('collects changes while offline, latest value wins, and sends them when back', async () => {
    const d = make({ autoConnect: false, maxParameters: 3 });
    d.set('a', 1);
    d.set('a', 2);
    d.set({ b: 'x', c: false });
    d.set('a', 3);
    expect(() => d.set('d', 1)).toThrow(/at most 3 parameters/);
    expect(d.unacknowledged).toBe(3);
    d.connect();
    await d.flush();
    expect(server.bodies()).toEqual([{ a: 3, b: 'x', c: false }]);
  });

  it('queues through a drop and delivers once reconnected', async () => {
    const d = make();
    await until(d, ConnectionState.Connected);
    d.set('n', 1);
    await d.flush();
    server.dropAll();
    await until(d, ConnectionState.Waiting);
    d.set('n', 2);
    d.set('n', 3);
    expect(await d.flush()).toBe(true);
    expect(server.bodies()).toEqual([{ n: 1 }, { n: 3 }]);
  });

  it('surfaces an ERROR and does not send the refused values again', async () => {
    server.reply = (frame) =>
      frame.values.some(([n]) => n === 'bad') ? { ok: false, reason: ErrorReason.stringTooLong } : { ok: true };
    const d = make();
    const errors: ErrorEvent[] = [];
    d.on('error', (e) => errors.push(e));
    await until(d, ConnectionState.Connected);
    d.set({ bad: 'too long', good: 1 });
    await d.flush();
    expect(errors).toEqual([
      { msgid: '0000', reason: ErrorReason.stringTooLong, values: { bad: 'too long', good: 1 }, transient: false },
    ]);
    d.set('good', 2); // refused values stay out of later frames...
    await d.flush();
    d.set('bad', 'too long'); // ...even set again to the same value
    d.set('bad', 'fixed'); // until they change
    server.reply = () => ({ ok: true });
    await d.flush();
    expect(server.bodies()).toEqual([{ bad: 'too long', good: 1 }, { good: 2 }, { bad: 'fixed' }]);
  });

  it('sends values again after a transient server failure', async () => {
    let fail = true;
    server.reply = () => (fail ? { ok: false, reason: ErrorReason.storageFailed } : { ok: true });
    const d = make();
    const error = new Promise<ErrorEvent>((resolve) => d.once('error', resolve));
    await until(d, ConnectionState.Connected);
    d.set('x', 1);
    expect(await error).toMatchObject({ transient: true });
    fail = false;
    await d.flush();
    expect(server.bodies()).toEqual([{ x: 1 }, { x: 1 }]);
  });

  it('drops a connection whose server stops answering pings, and reconnects', async () => {
    await server.close();
    server = await FakeDeviceServer.start({ autoPong: false });
    const d = make({ heartbeatMs: 150 });
    await until(d, ConnectionState.Connected);
    const lost = new Promise<void>((resolve) => d.once('disconnected', () => resolve()));
    await lost; // two silent intervals: the socket is given up...
    await until(d, ConnectionState.Connected); // ...and a new one opened
    expect(server.connections.length).toBeGreaterThanOrEqual(2);
  });

  it('sends an INIT with every value on the first connection when asked, UPDT after', async () => {
    const d = make({ init: true, autoConnect: false });
    d.set({ serial_hint: 'x', battery: 3 });
    d.connect();
    await d.flush();
    d.set('battery', 4);
    await d.flush();
    expect(server.received.map((r) => [r.frame.type, Object.fromEntries(r.frame.values)])).toEqual([
      ['INIT', { serial_hint: 'x', battery: 3 }],
      ['UPDT', { battery: 4 }],
    ]);
  });

  it('refuses what the server would refuse, before sending it', () => {
    const d = make({ autoConnect: false });
    expect(() => d.set('bad name', 1)).toThrow(/parameter names must be/);
    expect(() => d.set('online', true)).toThrow(/reserved/);
    expect(() => d.set('x', Number.NaN)).toThrow(/finite/);
    expect(() => d.set('x', 'é'.repeat(600))).toThrow(/longer than the limit/);
    expect(() => d.set('x', { a: 1 } as never)).toThrow(/numbers, strings, booleans or null/);
    expect(() => createDevice({ url: server.url, serial: 'no spaces', autoConnect: false })).toThrow(/serial/);
  });

  it('goes offline and back on its own when the server disappears and returns', async () => {
    const states: string[] = [];
    const d = make();
    await until(d, ConnectionState.Connected);
    d.on('state', (to) => states.push(to));
    const port = new URL(server.url).port;
    await server.close();
    await until(d, ConnectionState.Waiting);
    d.set('after', 1);
    // A new server on the same port: the device reconnects and delivers.
    const { WebSocketServer } = await import('ws');
    const again = new WebSocketServer({ port: Number(port), host: '127.0.0.1' });
    const got = new Promise<string>((resolve) =>
      again.on('connection', (ws) => {
        ws.send('{"type":"INFO","message":"welcome"}');
        ws.on('message', (m) => resolve(m.toString()));
      }),
    );
    expect(JSON.parse(await got).message).toMatch(/^0000:ag-1:\{"after":1\}$/);
    expect(states.slice(0, 3)).toEqual(['waiting', 'connecting', 'connected']);
    for (const ws of again.clients) ws.terminate();
    await new Promise((r) => again.close(r));
    server = await FakeDeviceServer.start();
  });
});

describe('reconnect delays', () => {
  it('grow exponentially from 5 s with full jitter, up to the cap', () => {
    const options = { minDelayMs: 5000, maxDelayMs: 60_000 };
    expect([0, 1, 2, 3, 4, 5].map((n) => reconnectDelay(n, { ...options, random: () => 0.999_999 }))).toEqual([
      4999, 9999, 19_999, 39_999, 59_999, 59_999,
    ]);
    expect(reconnectDelay(3, { ...options, random: () => 0 })).toBe(0);
    expect(reconnectDelay(1, { ...options, random: () => 0.5 })).toBe(5000);
  });

  it('are what a device waits between attempts (fake clock)', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    try {
      // Nothing listens on port 9: every attempt fails at once.
      const d = createDevice({ url: 'ws://127.0.0.1:9/update/', serial: 'rc-1', random: () => 0.5, autoConnect: false });
      const attempts: number[] = [];
      d.on('state', (to) => {
        if (to === ConnectionState.Connecting) attempts.push(Date.now());
      });
      const start = Date.now();
      d.connect();
      // Socket I/O is real; only the clock is fake. Let each refused attempt land.
      const settle = async () => {
        for (let i = 0; i < 10_000 && d.state !== ConnectionState.Waiting; i++) await new Promise((r) => setImmediate(r));
      };
      await settle();
      for (const wait of [2500, 5000, 10_000, 20_000, 30_000, 30_000]) {
        await vi.advanceTimersByTimeAsync(wait - 1);
        expect(d.state).toBe(ConnectionState.Waiting);
        await vi.advanceTimersByTimeAsync(1);
        await settle();
      }
      expect(attempts.map((t) => t - start)).toEqual([0, 2500, 7500, 17_500, 37_500, 67_500, 97_500]);
      await d.close();
    } finally {
      vi.useRealTimers();
    }
  });
});
