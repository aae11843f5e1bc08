import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDevice, type TestDevice } from '../support/device.ts';
import { data } from '../support/graphql.ts';
import { OwnRedis } from '../support/own-redis.ts';
import { killAll, type ServerProcess, spawnServer } from '../support/process.ts';
import { tempDir } from '../support/server.ts';
import { createPgDatabase, postgresAvailable } from '../support/services.ts';
import { TcpProxy } from '../support/tcp-proxy.ts';
import { eventually } from '../support/wait.ts';

const hasPg = await postgresAvailable();

interface Online {
  devices: { nodes: Array<{ serial: string; online: boolean }> };
}
const ONLINE = '{ devices(limit: 100) { nodes { serial online } } }';
const onlineOn = async (url: string) =>
  (await data<Online>(url, ONLINE)).devices.nodes.filter((n) => n.online).map((n) => n.serial);

describe.skipIf(!hasPg)('a Redis outage', () => {
  const dirs = [tempDir(), tempDir()];
  let database: { url: string; drop(): Promise<void> };
  let redis: OwnRedis;
  let a: ServerProcess;
  let b: ServerProcess;
  const devices: TestDevice[] = [];
  const serials = ['r0', 'r1', 'r2', 'r3', 'r4'];

  beforeAll(async () => {
    database = await createPgDatabase();
    redis = await OwnRedis.start();
    const flags = (dir: string) => [
      '--data-dir',
      dir,
      '--database-url',
      database.url,
      '--redis-url',
      redis.url,
      '--heartbeat-ms',
      '1000',
    ];
    a = await spawnServer(flags(dirs[0]?.path ?? ''));
    b = await spawnServer(flags(dirs[1]?.path ?? ''));
  });
  afterAll(async () => {
    for (const d of devices) d.ws.terminate();
    await killAll([a, b]);
    await redis?.kill();
    await database?.drop();
    for (const d of dirs) d.remove();
  });

  const dbOnline = async () => {
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    const { rows } = await client.query<{ serial: string }>('SELECT serial FROM device WHERE online ORDER BY serial');
    await client.end();
    return rows.map((r) => r.serial);
  };

  it('never takes live devices offline, and presence converges once an empty Redis is back', async () => {
    for (const [i, serial] of serials.entries()) {
      const d = await connectDevice(a.deviceUrl);
      devices.push(d);
      expect((await d.update(i, serial, { n: i })).ok).toBe(true);
    }
    expect(
      await eventually(
        () => onlineOn(b.url),
        (s) => s.length === 5,
      ),
    ).toEqual(serials);

    await redis.kill();
    // Seven seconds without Redis: more than two key lifetimes (3 × 1 s) and several sweeps.
    const seenOnB: string[][] = [];
    for (let i = 0; i < 28; i++) {
      await new Promise((r) => setTimeout(r, 250));
      seenOnB.push(await onlineOn(b.url));
    }
    expect(seenOnB.every((s) => s.length === 5)).toBe(true);
    const ready = await fetch(`${a.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(((await ready.json()) as { reason: string }).reason).toMatch(/^redis: unreachable/);
    // Devices are still served meanwhile.
    expect((await devices[0]?.update(100, 'r0', { n: 100 }))?.ok).toBe(true);

    await redis.up(); // empty: every instance key is gone
    for (const url of [a.url, b.url]) {
      expect(
        await eventually(
          async () => (await fetch(`${url}/readyz`)).status,
          (s) => s === 200,
          10_000,
        ),
      ).toBe(200);
    }
    // Two more key lifetimes: B must not judge A dead from the empty Redis.
    await new Promise((r) => setTimeout(r, 7000));
    expect(await onlineOn(a.url)).toEqual(serials);
    expect(await onlineOn(b.url)).toEqual(serials);
    expect(await dbOnline()).toEqual(serials);
    for (const d of devices) expect(d.ws.readyState).toBe(d.ws.OPEN);
    // And changes flow between the instances again.
    expect((await devices[1]?.update(101, 'r1', { n: 101 }))?.ok).toBe(true);
    const n = async () =>
      (await data<{ device: { params: { n: number } } }>(b.url, '{ device(serial: "r1") { params } }')).device.params.n;
    expect(await eventually(n, (v) => v === 101)).toBe(101);
    expect(a.output().match(/redis is unreachable/g)?.length ?? 0).toBe(1);
    expect(b.output()).not.toMatch(/instance is gone/);
  }, 60_000);
});

describe.skipIf(!hasPg)('Redis unreachable when the server starts', () => {
  const dir = tempDir();
  let database: { url: string; drop(): Promise<void> };
  let server: ServerProcess;
  let redis: OwnRedis | null = null;
  afterAll(async () => {
    if (server && server.proc.exitCode === null) {
      server.proc.kill('SIGKILL');
      await server.exited;
    }
    await redis?.kill();
    await database?.drop();
    dir.remove();
  });

  it('keeps running, says so in /readyz and one log line, and is ready once Redis is there', async () => {
    database = await createPgDatabase();
    const { freePort } = await import('../support/own-redis.ts');
    const port = await freePort();
    server = await spawnServer([
      '--data-dir',
      dir.path,
      '--database-url',
      database.url,
      '--redis-url',
      `redis://127.0.0.1:${port}`,
    ]);
    const res = await fetch(`${server.url}/readyz`);
    expect(res.status).toBe(503);
    expect(((await res.json()) as { reason: string }).reason).toMatch(/^redis: unreachable/);
    const d = await connectDevice(server.deviceUrl);
    expect((await d.update(1, 'early', { n: 1 })).ok).toBe(true);
    await new Promise((r) => setTimeout(r, 2000));
    expect(server.output().match(/redis is unreachable/g)?.length).toBe(1);
    expect(server.output()).not.toMatch(/Connection is closed|at .*ioredis/);
    redis = await OwnRedis.start(port);
    expect(
      await eventually(
        async () => (await fetch(`${server.url}/readyz`)).status,
        (s) => s === 200,
        10_000,
      ),
    ).toBe(200);
    expect(server.output()).toMatch(/redis connected/);
    d.ws.terminate();
  }, 30_000);
});

describe.skipIf(!hasPg)('a Redis partition (packets held, nothing reset)', () => {
  const dirs = [tempDir(), tempDir()];
  let database: { url: string; drop(): Promise<void> };
  let redis: OwnRedis;
  let proxy: TcpProxy;
  let a: ServerProcess;
  let b: ServerProcess;
  const devices: TestDevice[] = [];

  beforeAll(async () => {
    database = await createPgDatabase();
    redis = await OwnRedis.start();
    proxy = await TcpProxy.start(redis.port);
    const via = `redis://127.0.0.1:${proxy.port}`;
    const flags = (dir: string, url: string) => [
      '--data-dir',
      dir,
      '--database-url',
      database.url,
      '--redis-url',
      url,
      '--heartbeat-ms',
      '1000',
    ];
    // A reaches Redis through the proxy; B directly: only A is cut off.
    a = await spawnServer(flags(dirs[0]?.path ?? '', via));
    b = await spawnServer(flags(dirs[1]?.path ?? '', redis.url));
  });
  afterAll(async () => {
    for (const d of devices) d.ws.terminate();
    await killAll([a, b]);
    await proxy?.close();
    await redis?.kill();
    await database?.drop();
    for (const d of dirs) d.remove();
  });

  it('answers /readyz within a second, and presence is right again once it heals', async () => {
    for (const [i, serial] of ['p0', 'p1', 'p2'].entries()) {
      const d = await connectDevice(a.deviceUrl);
      devices.push(d);
      expect((await d.update(i, serial, { n: i })).ok).toBe(true);
    }
    expect(
      await eventually(
        () => onlineOn(b.url),
        (s) => s.length === 3,
      ),
    ).toEqual(['p0', 'p1', 'p2']);
    proxy.hold();
    await new Promise((r) => setTimeout(r, 1500));
    const started = performance.now();
    const res = await fetch(`${a.url}/readyz`, { signal: AbortSignal.timeout(3000) });
    expect(performance.now() - started).toBeLessThan(1000);
    expect(res.status).toBe(503);
    // Devices on A are still answered while A cannot reach Redis.
    expect((await devices[0]?.update(50, 'p0', { n: 50 }))?.ok).toBe(true);
    // Held long enough for A's key to lapse: B may take A's devices offline (it cannot tell a partition
    // from a death), but once it heals A says they are online again, everywhere.
    await new Promise((r) => setTimeout(r, 6000));
    proxy.restore();
    expect(
      await eventually(
        () => onlineOn(b.url),
        (s) => s.length === 3,
        15_000,
      ),
    ).toEqual(['p0', 'p1', 'p2']);
    expect(
      await eventually(
        () => onlineOn(a.url),
        (s) => s.length === 3,
        5_000,
      ),
    ).toEqual(['p0', 'p1', 'p2']);
    for (const d of devices) expect(d.ws.readyState).toBe(d.ws.OPEN);
    expect(a.output().match(/could not publish changes/g)?.length ?? 0).toBeLessThanOrEqual(1);
  }, 60_000);
});
