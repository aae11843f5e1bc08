import { describe, expect, it } from 'vitest';
import type { Scalar } from '../protocol/values.ts';
import { LiveHub } from '../server/live/hub.ts';
import { type DeviceChange, emptyParams, Fleet } from '../server/state/fleet.ts';

function change(serial: string, values: Record<string, Scalar>, at = Date.now()): DeviceChange {
  return { serial, at, values: Object.assign(emptyParams(), values), online: true, instance: 'a' };
}

function publish(fleet: Fleet, hub: LiveHub, changes: DeviceChange[]): void {
  hub.publish(changes.map((c) => [fleet.apply(c) ?? (undefined as never), c] as const));
}

describe('LiveHub', () => {
  it('checks a filter once per change, however many subscribers share it', async () => {
    const fleet = new Fleet();
    let reads = 0;
    for (let i = 0; i < 10; i++) fleet.apply(change(`d${i}`, { battery: i }));
    // Count every read of the filtered parameter.
    for (const d of fleet.devices.values()) {
      const inner = d.params;
      d.params = new Proxy(inner, {
        get(target, key) {
          if (key === 'battery') reads++;
          return Reflect.get(target, key);
        },
      });
    }
    const hub = new LiveHub(fleet, { coalesceMs: 10, maxQueuedChanges: 100 });
    const where = [{ field: 'battery', op: 'GT' as const, value: '4' }];
    const streams = Array.from({ length: 1000 }, () => hub.subscribeUpdates(where));
    expect(hub.stats()).toEqual({ views: 1, updateSubscribers: 1000, changeSubscribers: 0 });
    const afterScan = reads;
    expect(afterScan).toBe(10); // one membership scan for the shared view
    publish(fleet, hub, [change('d7', { battery: 70 }), change('d1', { battery: 2 })]);
    expect(reads - afterScan).toBe(2);
    const batches = await Promise.all(streams.map((s) => s.next()));
    expect(new Set(batches.map((b) => b.value)).size).toBe(1); // the very same batch object
    expect(batches[0]?.value).toMatchObject({ updates: [{ serial: 'd7', values: { battery: 70 }, entered: false }], left: [] });
    for (const s of streams) await s.return();
    expect(hub.stats().views).toBe(0);
  });

  it('merges what a slow subscriber has not read into one batch', async () => {
    const fleet = new Fleet();
    const hub = new LiveHub(fleet, { coalesceMs: 20, maxQueuedChanges: 100 });
    const stream = hub.subscribeUpdates([{ field: 'v', op: 'GTE', value: '0' }]);
    publish(fleet, hub, [change('a', { v: 1, w: 'x' }), change('b', { v: 1 })]);
    await new Promise((r) => setTimeout(r, 40));
    publish(fleet, hub, [change('a', { v: 2 }), change('b', { v: -1 })]);
    await new Promise((r) => setTimeout(r, 40));
    publish(fleet, hub, [change('c', { v: 5 })]);
    await new Promise((r) => setTimeout(r, 40));
    const first = await stream.next();
    expect(first.value).toEqual({
      updates: [
        { serial: 'a', values: { v: 2, w: 'x' }, online: true, lastSeen: expect.any(Number), entered: true },
        { serial: 'c', values: { v: 5 }, online: true, lastSeen: expect.any(Number), entered: true },
      ],
      left: ['b'],
    });
    await stream.return();
  });

  it('ends a deviceChanged subscriber that falls too far behind instead of buffering forever', async () => {
    const fleet = new Fleet();
    const hub = new LiveHub(fleet, { coalesceMs: 20, maxQueuedChanges: 5 });
    const stream = hub.subscribeDevice('x');
    publish(
      fleet,
      hub,
      Array.from({ length: 6 }, (_, i) => change('x', { i }, 1000 + i)),
    );
    await expect(stream.next()).rejects.toThrow(/fell more than 5 changes behind/);
    expect(hub.stats().changeSubscribers).toBe(0);
  });
});
