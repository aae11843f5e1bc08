import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDevice, type TestDevice } from './support/device.ts';
import { type GraphQLResponse, Subscription, wsClient } from './support/graphql.ts';
import { startServer, type TestServer } from './support/server.ts';

interface Batch {
  deviceUpdates: {
    updates: Array<{
      serial: string;
      values: Record<string, unknown>;
      online: boolean;
      lastSeen: string | null;
      entered: boolean;
    }>;
    left: string[];
  };
}
interface Change {
  deviceChanged: { serial: string; at: string; values: Record<string, unknown>; online: boolean; lastSeen: string | null };
}

const UPDATES = `subscription($where: [Condition!]) {
  deviceUpdates(where: $where) { updates { serial values online lastSeen entered } left }
}`;
const CHANGED = 'subscription($serial: String!) { deviceChanged(serial: $serial) { serial at values online lastSeen } }';

const batches = (events: Array<GraphQLResponse<Batch>>) =>
  events.map((e) => e.data?.deviceUpdates).filter((b) => b !== undefined);

describe('subscriptions', () => {
  let server: TestServer;
  let device: TestDevice;
  const clients: Array<ReturnType<typeof wsClient>> = [];
  const client = () => {
    const c = wsClient(server.graphqlUrl);
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    server = await startServer({ coalesceMs: 200, maxFramesPerSecond: 10_000 });
    device = await connectDevice(server.deviceUrl);
  });
  afterAll(async () => {
    for (const c of clients) await c.dispose();
    await device?.close();
    await server?.close();
  });

  it('coalesces deviceUpdates: at most one batch per window, the latest value of each device', async () => {
    const sub = new Subscription<Batch>(client(), UPDATES);
    await new Promise((r) => setTimeout(r, 100)); // the subscription is live
    const started = performance.now();
    // 60 frames over ~600 ms, each waiting for its OK: spans about three windows of 200 ms.
    for (let i = 0; i < 60; i++) {
      expect((await device.update(i, 'co-1', { counter: i, other: i % 2 === 0 ? 'even' : 'odd' })).ok).toBe(true);
      await new Promise((r) => setTimeout(r, 10));
    }
    const sendTime = performance.now() - started;
    await sub.until((events) => batches(events).some((b) => b.updates.some((u) => u.values.counter === 59)));
    const times = sub.events.map((e) => e.at);
    for (let i = 1; i < times.length; i++) expect((times[i] as number) - (times[i - 1] as number)).toBeGreaterThanOrEqual(150);
    // Far fewer batches than frames, yet none lost: the values only move forward.
    expect(sub.events.length).toBeLessThanOrEqual(Math.ceil(sendTime / 200) + 2);
    expect(sub.events.length).toBeGreaterThanOrEqual(2);
    const counters = batches(sub.events.map((e) => e.value)).map(
      (b) => b.updates.find((u) => u.serial === 'co-1')?.values.counter as number,
    );
    expect(counters).toEqual([...counters].sort((a, b) => a - b));
    const first = batches(sub.events.map((e) => e.value))[0]?.updates[0];
    expect(first).toMatchObject({ serial: 'co-1', online: true, entered: true });
    sub.stop();
  });

  it('filters deviceUpdates and reports devices that leave, and enter again with all their values', async () => {
    const sub = new Subscription<Batch>(client(), UPDATES, { where: [{ field: 'battery', op: 'GT', value: '50' }] });
    await new Promise((r) => setTimeout(r, 100));
    expect((await device.update(100, 'flt-1', { battery: 80, country: 'AT' })).ok).toBe(true);
    expect((await device.update(101, 'flt-2', { battery: 10 })).ok).toBe(true);
    let events = await sub.until((ev) => batches(ev).some((b) => b.updates.some((u) => u.serial === 'flt-1')));
    expect(batches(events).flatMap((b) => b.updates.map((u) => u.serial))).not.toContain('flt-2');

    expect((await device.update(102, 'flt-1', { battery: 20 })).ok).toBe(true);
    events = await sub.until((ev) => batches(ev).some((b) => b.left.includes('flt-1')));
    const leaving = batches(events).find((b) => b.left.includes('flt-1'));
    expect(leaving?.updates.map((u) => u.serial)).not.toContain('flt-1');

    expect((await device.update(103, 'flt-1', { battery: 90 })).ok).toBe(true);
    events = await sub.until((ev) =>
      batches(ev).some((b) => b.updates.some((u) => u.serial === 'flt-1' && u.values.battery === 90)),
    );
    const back = batches(events)
      .flatMap((b) => b.updates)
      .find((u) => u.serial === 'flt-1' && u.values.battery === 90);
    expect(back).toMatchObject({ entered: true, values: { battery: 90, country: 'AT' } });
    sub.stop();
  });

  it('shares one filter among subscribers: both get the same batches', async () => {
    const where = [{ field: 'serial', op: 'STARTS_WITH', value: 'share-' }];
    const a = new Subscription<Batch>(client(), UPDATES, { where });
    const b = new Subscription<Batch>(client(), UPDATES, { where });
    await new Promise((r) => setTimeout(r, 100));
    expect((await device.update(200, 'share-1', { v: 1 })).ok).toBe(true);
    const got = await Promise.all(
      [a, b].map((s) => s.until((ev) => batches(ev).some((x) => x.updates.some((u) => u.values.v === 1)))),
    );
    expect(batches(got[0] ?? [])).toEqual(batches(got[1] ?? []));
    a.stop();
    b.stop();
  });

  it('rejects a bad filter with a clear error', async () => {
    const sub = new Subscription<Batch>(client(), UPDATES, { where: [{ field: 'lastSeen', op: 'GT', value: 'soon' }] });
    const events = await sub.until((ev) => ev.length > 0).catch(() => null);
    const message =
      events?.[0]?.errors?.[0]?.message ??
      (await sub.done.then(
        () => '',
        (err: Error) => err.message,
      ));
    expect(message).toMatch(/ISO 8601/);
  });

  it('streams every change of one device with deviceChanged, in order, and its going offline', async () => {
    const other = await connectDevice(server.deviceUrl);
    const sub = new Subscription<Change>(client(), CHANGED, { serial: 'watch-1' });
    await new Promise((r) => setTimeout(r, 100));
    for (let i = 0; i < 20; i++) expect((await other.update(i, 'watch-1', { i })).ok).toBe(true);
    expect((await other.update(20, 'not-watched', { i: 0 })).ok).toBe(true);
    await other.close();
    const events = await sub.until((ev) => ev.some((e) => e.data?.deviceChanged.online === false));
    const changes = events.map((e) => e.data?.deviceChanged);
    expect(changes.map((c) => c?.values.i).slice(0, 20)).toEqual([...Array(20).keys()]);
    expect(changes.every((c) => c?.serial === 'watch-1')).toBe(true);
    const times = changes.map((c) => Date.parse(c?.at ?? ''));
    for (let i = 1; i < 20; i++) expect(times[i]).toBeGreaterThan(times[i - 1] as number);
    expect(changes.at(-1)).toMatchObject({ online: false, values: {} });
    sub.stop();
  });
});
