import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorReason } from '../../protocol/codes.ts';
import { connectDevice } from '../support/device.ts';
import { type ServerProcess, spawnServer } from '../support/process.ts';
import { tempDir } from '../support/server.ts';
import { createPgDatabase, PG_ADMIN_URL, postgresAvailable } from '../support/services.ts';
import { TcpProxy } from '../support/tcp-proxy.ts';
import { eventually } from '../support/wait.ts';

const hasPg = await postgresAvailable();

/** /readyz with the client giving up after 1.5 s: the status, or 'no answer'. */
async function readyz(url: string): Promise<number | 'no answer'> {
  try {
    return (await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(1500) })).status;
  } catch {
    return 'no answer';
  }
}

describe.skipIf(!hasPg)('PostgreSQL behind a proxy the test controls', () => {
  const dir = tempDir();
  let database: { url: string; drop(): Promise<void> };
  let proxy: TcpProxy;
  let server: ServerProcess;
  let proxied = '';

  beforeAll(async () => {
    database = await createPgDatabase();
    proxy = await TcpProxy.start(Number(new URL(PG_ADMIN_URL).port || 5432));
    const url = new URL(database.url);
    url.port = String(proxy.port);
    proxied = url.toString();
    server = await spawnServer([
      '--data-dir',
      dir.path,
      '--database-url',
      proxied,
      '--commit-timeout-ms',
      '2000',
      '--shutdown-timeout-ms',
      '4000',
    ]);
  });
  afterAll(async () => {
    if (server && server.proc.exitCode === null) {
      server.proc.kill('SIGKILL');
      await server.exited;
    }
    await proxy?.close();
    await database?.drop();
    dir.remove();
  });

  const stored = async () => {
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    const { rows } = await client.query<{ n: number }>(
      `SELECT (CASE WHEN h.num IS NOT NULL THEN h.num END)::int AS n FROM (
         SELECT device_id, param_id, num FROM history UNION ALL SELECT device_id, param_id, num FROM history_log) h
       JOIN device d ON d.id = h.device_id WHERE d.serial = 'pg1'`,
    );
    await client.end();
    return new Set(rows.map((r) => r.n));
  };

  it('loses no acked frame across a cut, answers storageFailed within the commit timeout during a partition, and tells the truth in /readyz', async () => {
    const device = await connectDevice(server.deviceUrl);
    const acked: number[] = [];
    let msg = 0;
    const send = async () => {
      const n = msg++;
      const answer = await device.update(n, 'pg1', { n }).catch(() => null);
      if (answer?.ok) acked.push(n);
      return answer;
    };
    for (let i = 0; i < 20; i++) await send();
    expect(acked).toHaveLength(20);

    // A cut: connections reset. Frames fail (storageFailed) or land once the writer reconnects; never lost.
    proxy.cut();
    const during = await send();
    expect(during?.ok === true || during?.reason === ErrorReason.storageFailed).toBe(true);
    proxy.restore();
    await eventually(send, (a) => a?.ok === true, 20_000);
    expect(
      await eventually(
        () => readyz(server.url),
        (s) => s === 200,
        10_000,
      ),
    ).toBe(200);

    // A partition: packets held, nothing reset.
    proxy.hold();
    const started = performance.now();
    const held = await device.update(msg++, 'pg1', { n: -1 }, 'UPDT').catch(() => null);
    const waited = performance.now() - started;
    expect(held).toMatchObject({ ok: false, reason: ErrorReason.storageFailed });
    expect(waited).toBeLessThan(6000); // the 2 s commit timeout, not a TCP timeout
    expect(await readyz(server.url)).toBe(503);

    proxy.restore();
    await eventually(send, (a) => a?.ok === true, 30_000);
    expect(
      await eventually(
        () => readyz(server.url),
        (s) => s === 200,
        15_000,
      ),
    ).toBe(200);
    const have = await stored();
    expect(acked.filter((n) => !have.has(n))).toEqual([]);
    // One line per state change, not one per attempt.
    expect(server.output().match(/storage writer thread stopped/g)?.length ?? 0).toBeLessThanOrEqual(3);
    device.ws.terminate();
  }, 90_000);

  it('exits within its shutdown timeout on SIGTERM while the database does not answer', async () => {
    proxy.hold();
    const device = await connectDevice(server.deviceUrl);
    device.send(JSON.stringify({ type: 'UPDT', message: '9999:pg1:{"n":9999}' }));
    await new Promise((r) => setTimeout(r, 200));
    const started = performance.now();
    server.proc.kill('SIGTERM');
    await server.exited;
    expect(performance.now() - started).toBeLessThan(7000);
    proxy.restore();
    device.ws.terminate();
  }, 20_000);
});
