import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDevice } from './support/device.ts';
import { data, Subscription, wsClient } from './support/graphql.ts';
import { type ServerProcess, spawnServer } from './support/process.ts';
import { tempDir } from './support/server.ts';
import { createPgDatabase, postgresAvailable, REDIS_URL, redisAvailable } from './support/services.ts';
import { eventually } from './support/wait.ts';

const ready = (await postgresAvailable()) && (await redisAvailable());

interface Batch {
  deviceUpdates: { updates: Array<{ serial: string; values: Record<string, unknown>; online: boolean }>; left: string[] };
}
interface DeviceView {
  device: { online: boolean; params: Record<string, unknown> } | null;
}
const DEVICE = 'query($s: String!) { device(serial: $s) { online params } }';

describe.skipIf(!ready)('two server processes sharing PostgreSQL and Redis', () => {
  const dirs = [tempDir(), tempDir()];
  let database: { url: string; drop(): Promise<void> };
  let a: ServerProcess;
  let b: ServerProcess;
  const client = () => wsClient(`${b.url.replace(/^http/, 'ws')}/graphql`);

  beforeAll(async () => {
    database = await createPgDatabase();
    const flags = (dir: string) => [
      '--data-dir',
      dir,
      '--database-url',
      database.url,
      '--redis-url',
      REDIS_URL,
      '--heartbeat-ms',
      '1000',
    ];
    const [first, second] = dirs;
    [a, b] = await Promise.all([spawnServer(flags(first?.path ?? '')), spawnServer(flags(second?.path ?? ''))]);
  });
  afterAll(async () => {
    for (const p of [a, b]) {
      if (p?.proc.exitCode !== null) continue;
      p.proc.kill('SIGTERM');
      await p.exited;
    }
    await database?.drop();
    for (const d of dirs) d.remove();
  });

  it('delivers a frame sent to one instance to a subscriber of the other', async () => {
    const c = client();
    const sub = new Subscription<Batch>(c, 'subscription { deviceUpdates { updates { serial values online } left } }');
    await new Promise((r) => setTimeout(r, 200));
    const device = await connectDevice(a.deviceUrl);
    expect((await device.update(1, 'mi-1', { battery: 42, country: 'AT' })).ok).toBe(true);
    const events = await sub.until((ev) => ev.some((e) => e.data?.deviceUpdates.updates.some((u) => u.serial === 'mi-1')));
    const update = events.flatMap((e) => e.data?.deviceUpdates.updates ?? []).find((u) => u.serial === 'mi-1');
    expect(update).toEqual({ serial: 'mi-1', values: { battery: 42, country: 'AT' }, online: true });
    // The other instance's state answers queries too, and sees the device go offline.
    expect((await data<DeviceView>(b.url, DEVICE, { s: 'mi-1' })).device).toEqual({
      online: true,
      params: { battery: 42, country: 'AT' },
    });
    await device.close();
    const view = await eventually(
      () => data<DeviceView>(b.url, DEVICE, { s: 'mi-1' }),
      (v) => v.device?.online === false,
    );
    expect(view.device?.online).toBe(false);
    sub.stop();
    await c.dispose();
  });

  it('applies credential changes made on one instance to the device sockets of the other', async () => {
    const old = await connectDevice(a.deviceUrl);
    expect((await old.update(1, 'mi-tok', { battery: 1 })).ok).toBe(true);
    const seen = await eventually(
      () => data<DeviceView>(b.url, DEVICE, { s: 'mi-tok' }),
      (v) => v.device !== null,
    );
    expect(seen.device).not.toBeNull();
    const made = await data<{ createDeviceToken: { secret: string; token: { id: number } } }>(
      b.url,
      'mutation { createDeviceToken(serial: "mi-tok") { secret token { id } } }',
    );
    const { secret, token } = made.createDeviceToken;
    // The device has a token now: instance a no longer takes its frames without one.
    let msgid = 2;
    const refused = await eventually(
      () => old.update(msgid++, 'mi-tok', { battery: 2 }),
      (answer) => !answer.ok,
    );
    expect(refused.ok).toBe(false);
    const withToken = await connectDevice(a.deviceUrl, { headers: { authorization: `Bearer ${secret}` } });
    expect((await withToken.update(1, 'mi-tok', { battery: 3 })).ok).toBe(true);
    await data(b.url, `mutation { revokeDeviceToken(id: ${token.id}) }`);
    expect((await withToken.closed).code).toBe(4003);
    await old.close();
  });

  it('catches up from the database when its Redis connection was lost', async () => {
    const admin = new Redis(REDIS_URL);
    const device = await connectDevice(a.deviceUrl);
    // Drop every pub/sub connection, then change state while the instances reconnect.
    await admin.client('KILL', 'TYPE', 'pubsub');
    expect((await device.update(2, 'mi-2', { battery: 7 })).ok).toBe(true);
    const view = await eventually(
      () => data<DeviceView>(b.url, DEVICE, { s: 'mi-2' }),
      (v) => v.device?.params.battery === 7,
    );
    expect(view.device?.params).toEqual({ battery: 7 });
    await device.close();
    admin.disconnect();
  });

  it('shows a device that moves between instances online on both', async () => {
    const onA = await connectDevice(a.deviceUrl);
    expect((await onA.update(1, 'mi-3', { v: 1 })).ok).toBe(true);
    const onB = await connectDevice(b.deviceUrl);
    expect((await onB.update(2, 'mi-3', { v: 2 })).ok).toBe(true);
    await onA.close(); // A's offline notice must not win over B's newer online
    await new Promise((r) => setTimeout(r, 300));
    for (const p of [a, b]) {
      expect((await data<DeviceView>(p.url, DEVICE, { s: 'mi-3' })).device).toEqual({ online: true, params: { v: 2 } });
    }
    await onB.close();
  });

  it('takes the devices of an instance that died without stopping offline on the others', async () => {
    const device = await connectDevice(a.deviceUrl);
    expect((await device.update(1, 'mi-4', { v: 1 })).ok).toBe(true);
    // B hears of it through Redis, a moment later.
    const seen = await eventually(
      () => data<DeviceView>(b.url, DEVICE, { s: 'mi-4' }),
      (v) => v.device?.online === true,
    );
    expect(seen.device?.online).toBe(true);
    a.proc.kill('SIGKILL');
    await a.exited;
    // A's liveness key lapses after three heartbeats; B's next sweep takes the device offline.
    const view = await eventually(
      () => data<DeviceView>(b.url, DEVICE, { s: 'mi-4' }),
      (v) => v.device?.online === false,
      10_000,
    );
    expect(view.device).toEqual({ online: false, params: { v: 1 } });
  });
});
