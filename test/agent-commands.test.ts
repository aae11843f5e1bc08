import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDevice, type Device } from '../agent/device.ts';
import { data } from './support/graphql.ts';
import { startServer, type TestServer } from './support/server.ts';
import { eventually } from './support/wait.ts';

interface Job {
  job: { executions: Array<{ state: string; result: unknown; error: string | null; percent: number | null }> };
}
const job = (url: string, id: string) =>
  data<Job>(url, 'query($id: ID!) { job(id: $id) { executions { state result error percent } } }', { id }).then(
    (j) => j.job.executions[0],
  );
const send = (url: string, name: string, args: Record<string, unknown> = {}) =>
  data<{ sendCommand: { id: string } }>(
    url,
    'mutation($n: String!, $a: JSON) { sendCommand(input: { serials: ["ag2"], name: $n, args: $a }) { id } }',
    {
      n: name,
      a: args,
    },
  ).then((r) => r.sendCommand.id);

describe('the agent with protocol v2', () => {
  let server: TestServer;
  let device: Device;
  let runs = 0;
  let release: () => void = () => {};

  beforeAll(async () => {
    server = await startServer();
    device = createDevice({
      url: server.deviceUrl,
      serial: 'ag2',
      minIntervalMs: 0,
      reconnectDelayMs: 50,
      agent: { name: 'smart-os-agent', version: '0.1.0' },
      settable: (name, value) => (name === 'limit' && typeof value === 'number' && value > 50 ? 'limit is at most 50' : true),
    });
    device
      .command(
        'switch-mode',
        (args) => {
          device.set('mode', String(args.mode));
          return { mode: args.mode };
        },
        { description: 'Switch the mode', args: { type: 'object', properties: { mode: { enum: ['eco', 'boost'] } } } },
      )
      .command('explode', () => {
        throw new Error('the fuse blew');
      })
      .command('slow', async (_args, ctx) => {
        runs++;
        ctx.progress(40);
        await new Promise<void>((r) => {
          release = r;
        });
        return 'done';
      });
    device.set({ mode: 'eco', limit: 10 });
    await device.flush();
    await eventually(
      async () =>
        (
          await data<{ device: { capabilities: { commands: unknown[] } | null } }>(
            server.url,
            '{ device(serial: "ag2") { capabilities } }',
          )
        ).device.capabilities,
      (c) => c?.commands.length === 3,
    );
  });
  afterAll(async () => {
    await device?.close();
    await server?.close();
  });

  it('announces its commands, runs them, and reports results and errors', async () => {
    const caps = await data<{
      device: { protocol: number; capabilities: { agent: unknown; commands: Array<{ name: string }> } };
    }>(server.url, '{ device(serial: "ag2") { protocol capabilities } }');
    expect(caps.device.protocol).toBe(2);
    expect(caps.device.capabilities.agent).toEqual({ name: 'smart-os-agent', version: '0.1.0' });
    expect(caps.device.capabilities.commands.map((c) => c.name)).toEqual(['switch-mode', 'explode', 'slow']);
    const ok = await send(server.url, 'switch-mode', { mode: 'boost' });
    expect(
      await eventually(
        () => job(server.url, ok),
        (e) => e?.state === 'SUCCEEDED',
      ),
    ).toMatchObject({ result: { mode: 'boost' } });
    const params = async () =>
      (await data<{ device: { params: { mode: string } } }>(server.url, '{ device(serial: "ag2") { params } }')).device.params;
    expect((await eventually(params, (p) => p.mode === 'boost')).mode).toBe('boost');
    const bad = await send(server.url, 'explode');
    expect(
      await eventually(
        () => job(server.url, bad),
        (e) => e?.state === 'FAILED',
      ),
    ).toMatchObject({ error: 'the fuse blew' });
    const unknown = await send(server.url, 'fly');
    expect(
      await eventually(
        () => job(server.url, unknown),
        (e) => e?.state === 'REJECTED',
      ),
    ).toMatchObject({ error: 'this device has no command "fly"' });
  });

  it('applies desired values through set (checked by its validator); they clear when reported', async () => {
    const desired = async () =>
      (await data<{ device: { desired: Record<string, unknown> } }>(server.url, '{ device(serial: "ag2") { desired } }')).device
        .desired;
    await data(server.url, 'mutation { setDesired(serial: "ag2", values: { limit: 30 }) { id } }');
    expect(await eventually(desired, (d) => Object.keys(d).length === 0)).toEqual({});
    expect(device.get('limit')).toBe(30);
    await data(server.url, 'mutation { setDesired(serial: "ag2", values: { limit: 99 }) { id } }');
    const commands = async () =>
      (
        await data<{ device: { commands: Array<{ state: string; error: string | null }> } }>(
          server.url,
          '{ device(serial: "ag2") { commands(limit: 1) { state error } } }',
        )
      ).device.commands[0];
    expect(await eventually(commands, (c) => c?.state === 'REJECTED')).toMatchObject({ error: 'limit: limit is at most 50' });
    expect(Object.keys(await desired())).toEqual(['limit']);
  });

  it('never runs a command twice across a reconnect, and reports progress', async () => {
    const id = await send(server.url, 'slow');
    expect(
      await eventually(
        () => job(server.url, id),
        (e) => e?.percent === 40,
      ),
    ).toMatchObject({ state: 'DELIVERED' });
    (device as unknown as { ws: { terminate(): void } }).ws.terminate();
    await eventually(
      () => device.state,
      (s) => s === 'connected',
      5000,
    );
    await new Promise((r) => setTimeout(r, 1500)); // the server sends the open command again meanwhile
    release();
    expect(
      await eventually(
        () => job(server.url, id),
        (e) => e?.state === 'SUCCEEDED',
      ),
    ).toMatchObject({ result: 'done' });
    expect(runs).toBe(1);
  });
});

describe('the built-in run command', () => {
  it('runs only configured scripts, with the exit code and the output tail as result', async () => {
    const server = await startServer();
    const device = createDevice({
      url: server.deviceUrl,
      serial: 'runner',
      minIntervalMs: 0,
      scripts: {
        hello: { path: '/bin/echo', args: ['hi there'] },
        falsy: { path: '/bin/false' },
        sleepy: { path: '/bin/sleep', args: ['5'], timeoutMs: 200 },
      },
    });
    try {
      device.set('n', 1);
      await device.flush();
      const caps = async () =>
        (
          await data<{ device: { capabilities: { commands: Array<{ name: string; args: unknown }> } | null } }>(
            server.url,
            '{ device(serial: "runner") { capabilities } }',
          )
        ).device.capabilities;
      const found = await eventually(caps, (c) => c !== null);
      expect(found?.commands).toEqual([
        {
          name: 'run',
          description: 'Run one of the scripts this device is configured with',
          args: {
            type: 'object',
            required: ['script'],
            properties: { script: { type: 'string', enum: ['hello', 'falsy', 'sleepy'] } },
          },
        },
      ]);
      const run = async (script: string) => {
        const id = (
          await data<{ sendCommand: { id: string } }>(
            server.url,
            'mutation($a: JSON) { sendCommand(input: { serials: ["runner"], name: "run", args: $a }) { id } }',
            {
              a: { script },
            },
          )
        ).sendCommand.id;
        return eventually(
          () => job(server.url, id),
          (e) => e?.state === 'SUCCEEDED' || e?.state === 'FAILED',
          5000,
        );
      };
      expect(await run('hello')).toMatchObject({ state: 'SUCCEEDED', result: { exitCode: 0, output: 'hi there\n' } });
      expect(await run('falsy')).toMatchObject({ state: 'SUCCEEDED', result: { exitCode: 1 } });
      expect(await run('sleepy')).toMatchObject({ state: 'FAILED' });
      expect(await run('rm -rf /')).toMatchObject({
        state: 'FAILED',
        error: 'no script "rm -rf /": one of hello, falsy, sleepy',
      });
    } finally {
      await device.close();
      await server.close();
    }
  });
});
