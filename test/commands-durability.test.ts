import { afterAll, describe, expect, it } from 'vitest';
import { formatDeviceFrame } from '../protocol/frames.ts';
import { formatResult } from '../protocol/v2.ts';
import { data } from './support/graphql.ts';
import { killAll, type ServerProcess, spawnServer } from './support/process.ts';
import { providers } from './support/providers.ts';
import { tempDir } from './support/server.ts';
import { createPgDatabase, postgresAvailable, REDIS_URL, redisAvailable } from './support/services.ts';
import { V2TestDevice } from './support/v2-device.ts';
import { eventually } from './support/wait.ts';

const cases = await providers();
const multi = (await postgresAvailable()) && (await redisAvailable());
const SEND = 'mutation($s: [String!]) { sendCommand(input: { serials: $s, name: "reboot" }) { id } }';
const STATE = 'query($id: ID!) { job(id: $id) { executions { state } } }';

async function hello(url: string, serial: string, msgid: number): Promise<V2TestDevice> {
  const d = await V2TestDevice.connect(`${url.replace(/^http/, 'ws')}/update/`);
  expect((await d.request(formatDeviceFrame('UPDT', msgid, serial, { n: msgid }))).ok).toBe(true);
  return d;
}
const protocol = async (url: string, serial: string) =>
  (
    await data<{ device: { protocol: number } | null }>(url, 'query($s: String!) { device(serial: $s) { protocol } }', {
      s: serial,
    })
  ).device?.protocol;
const online = async (url: string, serial: string) =>
  (await data<{ device: { online: boolean } }>(url, 'query($s: String!) { device(serial: $s) { online } }', { s: serial })).device
    .online;
const send = async (url: string, serial: string) =>
  (await data<{ sendCommand: { id: string } }>(url, SEND, { s: [serial] })).sendCommand.id;
const state = async (url: string, id: string) =>
  (await data<{ job: { executions: Array<{ state: string }> } }>(url, STATE, { id })).job.executions[0]?.state;

describe('commands survive', () => {
  const dirs: Array<{ remove(): void }> = [];
  const procs: ServerProcess[] = [];
  afterAll(async () => {
    await killAll(procs);
    for (const d of dirs) d.remove();
  });

  for (const provider of cases) {
    it.skipIf(!provider.available)(
      `a kill -9 with commands QUEUED and SENT (${provider.name})`,
      async () => {
        const database = await provider.create();
        const dir = tempDir();
        dirs.push(dir);
        const flags = ['--data-dir', dir.path, '--database-url', database.url];
        const first = await spawnServer(flags);
        procs.push(first);
        for (const serial of ['q1', 's1']) {
          const d = await hello(first.url, serial, 1);
          await eventually(
            () => protocol(first.url, serial),
            (p) => p === 2,
          );
          d.ws.terminate();
        }
        const live = await hello(first.url, 's1', 2);
        await eventually(
          () => online(first.url, 'q1'),
          (o) => !o,
        );
        const queued = await send(first.url, 'q1');
        const sent = await send(first.url, 's1');
        const cmd = await live.nextCommand();
        expect(await state(first.url, sent)).toBe('SENT');
        first.proc.kill('SIGKILL');
        await first.exited;
        live.ws.terminate();

        const second = await spawnServer(flags);
        procs.push(second);
        expect(await state(second.url, queued)).toBe('QUEUED');
        const q = await hello(second.url, 'q1', 3);
        expect((await q.nextCommand()).name).toBe('reboot');
        const s = await hello(second.url, 's1', 4);
        const again = await s.nextCommand();
        expect(again.cmdid).toBe(cmd.cmdid);
        expect((await s.request(formatResult(again.cmdid, 's1', { status: 'succeeded' }))).ok).toBe(true);
        expect(await state(second.url, sent)).toBe('SUCCEEDED');
        q.ws.terminate();
        s.ws.terminate();
        await killAll([second]);
        await database.drop();
      },
      60_000,
    );
  }

  it.skipIf(!multi)(
    'a device moving between two instances (PostgreSQL + Redis): sent by whichever holds its socket',
    async () => {
      const database = await createPgDatabase();
      const flags = () => {
        const dir = tempDir();
        dirs.push(dir);
        return ['--data-dir', dir.path, '--database-url', database.url, '--redis-url', REDIS_URL, '--heartbeat-ms', '1000'];
      };
      const a = await spawnServer(flags());
      const b = await spawnServer(flags());
      procs.push(a, b);
      const onA = await hello(a.url, 'm1', 1);
      await eventually(
        () => protocol(b.url, 'm1'),
        (p) => p === 2,
      );
      // Sent through B, delivered by A, which holds the socket.
      const first = await send(b.url, 'm1');
      const cmd = await onA.nextCommand();
      expect((await onA.request(formatResult(cmd.cmdid, 'm1', { status: 'received' }))).ok).toBe(true);
      onA.ws.terminate();
      // It moves to B before finishing: B sends the open command again, same cmdid.
      const onB = await hello(b.url, 'm1', 2);
      const again = await onB.nextCommand();
      expect(again.cmdid).toBe(cmd.cmdid);
      expect((await onB.request(formatResult(again.cmdid, 'm1', { status: 'succeeded' }))).ok).toBe(true);
      expect(
        await eventually(
          () => state(a.url, first),
          (s) => s === 'SUCCEEDED',
        ),
      ).toBe('SUCCEEDED');
      onB.ws.terminate();
      await killAll([a, b]);
      await database.drop();
    },
    60_000,
  );
});
