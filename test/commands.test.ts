import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorReason } from '../protocol/codes.ts';
import { formatDeviceFrame } from '../protocol/frames.ts';
import { formatResult } from '../protocol/v2.ts';
import { CommandStore } from '../server/commands/command-store.ts';
import { createLogger } from '../server/logger.ts';
import { openDatabase } from '../server/storage/database.ts';
import { connectDevice } from './support/device.ts';
import { data, gql, Subscription, wsClient } from './support/graphql.ts';
import { startServer, type TestServer } from './support/server.ts';
import { V2TestDevice } from './support/v2-device.ts';
import { eventually } from './support/wait.ts';

interface Job {
  id: string;
  counts: Record<string, number>;
  executions: Array<{
    cmdid: string;
    serial: string;
    state: string;
    attempts: number;
    result: unknown;
    reason: string | null;
    error: string | null;
  }>;
}
const JOB =
  'query($id: ID!) { job(id: $id) { id counts { QUEUED SENT DELIVERED SUCCEEDED FAILED TIMED_OUT EXPIRED CANCELED SKIPPED } executions { cmdid serial state attempts result reason error } } }';
const SEND = 'mutation($input: SendCommandInput!) { sendCommand(input: $input) { id } }';

describe('commands', () => {
  let server: TestServer;
  const job = async (id: string) => (await data<{ job: Job }>(server.url, JOB, { id })).job;
  const send = async (input: Record<string, unknown>) =>
    (await data<{ sendCommand: { id: string } }>(server.url, SEND, { input })).sendCommand.id;
  const protocolOf = async (serial: string) =>
    (
      await data<{ device: { protocol: number } | null }>(server.url, 'query($s: String!) { device(serial: $s) { protocol } }', {
        s: serial,
      })
    ).device?.protocol;
  /** A v2 device that has said hello and is known to speak v2. */
  const v2 = async (serial: string) => {
    const d = await V2TestDevice.connect(server.deviceUrl);
    expect((await d.request(formatDeviceFrame('INIT', 1, serial, { mode: 'eco' }))).ok).toBe(true);
    expect(
      await eventually(
        () => protocolOf(serial),
        (p) => p === 2,
      ),
    ).toBe(2);
    return d;
  };

  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(() => server?.close());

  it('goes QUEUED → SENT → DELIVERED → SUCCEEDED, stored, with the result; a repeated final report is answered OK', async () => {
    const d = await v2('k1');
    const id = await send({ serials: ['k1'], name: 'switch-mode', args: { mode: 'boost' } });
    const cmd = await d.nextCommand();
    expect(cmd).toMatchObject({ serial: 'k1', name: 'switch-mode', args: { mode: 'boost' } });
    expect((await job(id)).executions[0]).toMatchObject({ cmdid: cmd.cmdid, state: 'SENT', attempts: 1 });
    expect(await d.request(formatResult(cmd.cmdid, 'k1', { status: 'received' }))).toMatchObject({
      head: `${cmd.cmdid}:k1`,
      ok: true,
    });
    expect((await job(id)).executions[0]?.state).toBe('DELIVERED');
    expect((await d.request(formatResult(cmd.cmdid, 'k1', { status: 'progress', percent: 50 }))).ok).toBe(true);
    expect((await d.request(formatResult(cmd.cmdid, 'k1', { status: 'succeeded', result: { mode: 'boost' } }))).ok).toBe(true);
    expect((await job(id)).executions[0]).toMatchObject({ state: 'SUCCEEDED', result: { mode: 'boost' } });
    expect((await d.request(formatResult(cmd.cmdid, 'k1', { status: 'failed', error: 'late' }))).ok).toBe(true);
    expect((await job(id)).executions[0]?.state).toBe('SUCCEEDED');
    const history = await data<{ device: { commands: Array<{ state: string }> } }>(
      server.url,
      '{ device(serial: "k1") { commands { state } } }',
    );
    expect(history.device.commands.map((c) => c.state)).toEqual(['SUCCEEDED']);
    d.ws.terminate();
  });

  it('skips a v1 device, and a v1 socket never receives a frame it did not ask for', async () => {
    const old = await connectDevice(server.deviceUrl);
    expect((await old.update(1, 'k-v1', { n: 1 })).ok).toBe(true);
    const id = await send({ serials: ['k-v1'], name: 'reboot' });
    expect((await job(id)).executions[0]).toMatchObject({
      state: 'SKIPPED',
      reason: 'the device speaks protocol v1: it cannot take commands',
    });
    // Like the original device: one read after each send, every answer to the frame just sent.
    for (let i = 2; i < 8; i++) {
      expect(await old.update(i, 'k-v1', { n: i })).toMatchObject({ head: `${String(i).padStart(4, '0')}:k-v1`, ok: true });
      await new Promise((r) => setTimeout(r, 150));
    }
    expect(old.received).toEqual([]);
    old.ws.terminate();
  });

  it('queues for an offline device and sends on connect; resends after a reconnect with the same cmdid', async () => {
    const first = await v2('k2');
    first.ws.terminate();
    await eventually(
      async () => (await data<{ device: { online: boolean } }>(server.url, '{ device(serial: "k2") { online } }')).device.online,
      (o) => !o,
    );
    const id = await send({ serials: ['k2'], name: 'reboot' });
    expect((await job(id)).counts.QUEUED).toBe(1);
    const again = await V2TestDevice.connect(server.deviceUrl);
    expect((await again.request(formatDeviceFrame('UPDT', 2, 'k2', { n: 2 }))).ok).toBe(true);
    const cmd = await again.nextCommand();
    expect((await again.request(formatResult(cmd.cmdid, 'k2', { status: 'received' }))).ok).toBe(true);
    again.ws.terminate();
    const third = await V2TestDevice.connect(server.deviceUrl);
    expect((await third.request(formatDeviceFrame('UPDT', 3, 'k2', { n: 3 }))).ok).toBe(true);
    const resent = await third.nextCommand();
    expect(resent.cmdid).toBe(cmd.cmdid);
    expect((await third.request(formatResult(cmd.cmdid, 'k2', { status: 'succeeded' }))).ok).toBe(true);
    expect((await job(id)).counts.SUCCEEDED).toBe(1);
    third.ws.terminate();
  });

  it('times out without "received", retries with the same cmdid, then fails', async () => {
    const d = await v2('k3');
    const id = await send({ serials: ['k3'], name: 'slow', ackTimeoutSeconds: 1, retries: 1 });
    const first = await d.nextCommand();
    const second = await d.nextCommand(5000);
    expect(second.cmdid).toBe(first.cmdid);
    const done = await eventually(
      () => job(id),
      (j) => j.counts.FAILED === 1,
      8000,
    );
    expect(done.executions[0]).toMatchObject({ state: 'FAILED', attempts: 2, error: 'no answer after 2 attempts' });
    expect(await d.request(formatResult(first.cmdid, 'k3', { status: 'succeeded' }))).toMatchObject({ ok: true });
    expect((await job(id)).executions[0]?.state).toBe('FAILED');
    d.ws.terminate();
  }, 15_000);

  it('expires and cancels what has not finished', async () => {
    const d = await v2('k4');
    d.ws.terminate();
    const expiring = await send({ serials: ['k4'], name: 'x', expiresInSeconds: 1 });
    const canceled = await send({ serials: ['k4'], name: 'y' });
    expect(
      (
        await data<{ cancelJob: { canceledAt: string | null } }>(
          server.url,
          `mutation { cancelJob(id: "${canceled}") { canceledAt } }`,
        )
      ).cancelJob.canceledAt,
    ).not.toBeNull();
    expect((await job(canceled)).executions[0]?.state).toBe('CANCELED');
    expect(
      (
        await eventually(
          () => job(expiring),
          (j) => j.counts.EXPIRED === 1,
          5000,
        )
      ).counts.EXPIRED,
    ).toBe(1);
  });

  it("refuses another device's cmdid, bad input, and targets that are not there", async () => {
    const a = await v2('k5');
    const b = await v2('k6');
    await send({ serials: ['k5'], name: 'ping' });
    const cmd = await a.nextCommand();
    expect(await b.request(formatResult(cmd.cmdid, 'k6', { status: 'received' }))).toMatchObject({
      ok: false,
      reason: ErrorReason.unknownCommand,
    });
    const bad = async (input: Record<string, unknown>) => (await gql(server.url, SEND, { input })).errors?.[0]?.message;
    expect(await bad({ serials: ['nope'], name: 'x' })).toBe('no device nope of yours');
    expect(await bad({ serials: ['k5'], name: 'a b' })).toMatch(/command name/);
    expect(await bad({ serials: ['k5'], name: 'set', args: { values: 3 } })).toMatch(/set takes args/);
    expect(await bad({ serials: ['k5'], name: 'x', args: { big: 'y'.repeat(17_000) } })).toMatch(/over 16 KiB/);
    expect(await bad({ name: 'x' })).toMatch(/name the devices/);
    expect(await bad({ serials: ['k5'], name: 'x', retries: 99 })).toBe('retries must be 0 to 10');
    a.ws.terminate();
    b.ws.terminate();
  });
});

describe('desired values', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(() => server?.close());
  const desired = async (serial: string) =>
    (
      await data<{ device: { desired: Record<string, { value: unknown }> } }>(
        server.url,
        `{ device(serial: "${serial}") { desired } }`,
      )
    ).device.desired;
  const setDesired = (serial: string, values: Record<string, unknown>) =>
    data<{ setDesired: { id: string } | null }>(
      server.url,
      'mutation($s: String!, $v: JSON!) { setDesired(serial: $s, values: $v) { id } }',
      {
        s: serial,
        v: values,
      },
    );

  it('are sent as set, stay pending until reported, clear by themselves on the same report, and a newer one supersedes', async () => {
    const d = await V2TestDevice.connect(server.deviceUrl);
    expect((await d.request(formatDeviceFrame('INIT', 1, 'w1', { limit: 10, mode: 'eco' }))).ok).toBe(true);
    await eventually(
      async () =>
        (await data<{ device: { protocol: number } }>(server.url, '{ device(serial: "w1") { protocol } }')).device.protocol,
      (p) => p === 2,
    );
    await setDesired('w1', { limit: 20 });
    const first = await d.nextCommand();
    expect(first).toMatchObject({ name: 'set', args: { values: { limit: 20 } } });
    expect(Object.keys(await desired('w1'))).toEqual(['limit']);
    // A different report leaves it pending; a newer desired value supersedes the open command.
    expect((await d.request(formatDeviceFrame('UPDT', 2, 'w1', { limit: 15 }))).ok).toBe(true);
    expect((await desired('w1')).limit?.value).toBe(20);
    const newer = await setDesired('w1', { mode: 'boost' });
    const second = await d.nextCommand();
    expect(second.args).toEqual({ values: { limit: 20, mode: 'boost' } });
    const old = await data<{ device: { commands: Array<{ cmdid: string; state: string; reason: string | null }> } }>(
      server.url,
      '{ device(serial: "w1") { commands { cmdid state reason } } }',
    );
    expect(old.device.commands.find((c) => c.cmdid === first.cmdid)).toMatchObject({
      state: 'CANCELED',
      reason: 'superseded by newer desired values',
    });
    expect(newer.setDesired?.id).toBeDefined();
    // The device applies them and reports: both clear by themselves.
    expect((await d.request(formatResult(second.cmdid, 'w1', { status: 'succeeded' }))).ok).toBe(true);
    expect((await d.request(formatDeviceFrame('UPDT', 3, 'w1', { limit: 20, mode: 'boost' }))).ok).toBe(true);
    expect(
      await eventually(
        () => desired('w1'),
        (w) => Object.keys(w).length === 0,
      ),
    ).toEqual({});
    d.ws.terminate();
  });
});

describe('command subscriptions', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(() => server?.close());

  it('jobProgress shows counts until done; deviceCommands every state change', async () => {
    const devices: V2TestDevice[] = [];
    for (const serial of ['j1', 'j2', 'j3']) {
      const d = await V2TestDevice.connect(server.deviceUrl);
      expect((await d.request(formatDeviceFrame('INIT', 1, serial, { n: 1 }))).ok).toBe(true);
      devices.push(d);
    }
    await eventually(
      async () =>
        (await data<{ devices: { nodes: Array<{ protocol: number }> } }>(server.url, '{ devices { nodes { protocol } } }'))
          .devices.nodes,
      (n) => n.every((d) => d.protocol === 2),
    );
    const client = wsClient(server.graphqlUrl);
    const perDevice = new Subscription<{ deviceCommands: { state: string } }>(
      client,
      'subscription { deviceCommands(serial: "j1") { state } }',
    );
    await new Promise((r) => setTimeout(r, 100));
    const id = (
      await data<{ sendCommand: { id: string } }>(
        server.url,
        'mutation { sendCommand(input: { where: [{ field: "serial", op: STARTS_WITH, value: "j" }], name: "go" }) { id } }',
      )
    ).sendCommand.id;
    const progress = new Subscription<{ jobProgress: { counts: { SENT: number; SUCCEEDED: number; QUEUED: number } } }>(
      client,
      `subscription { jobProgress(id: "${id}") { counts { QUEUED SENT SUCCEEDED } } }`,
    );
    for (const [i, d] of devices.entries()) {
      const cmd = await d.nextCommand();
      expect((await d.request(formatResult(cmd.cmdid, `j${i + 1}`, { status: 'received' }))).ok).toBe(true);
      expect((await d.request(formatResult(cmd.cmdid, `j${i + 1}`, { status: 'succeeded' }))).ok).toBe(true);
    }
    const events = await progress.until((e) => e.some((x) => x.data?.jobProgress.counts.SUCCEEDED === 3));
    expect(events.length).toBeLessThan(12); // coalesced, not one per transition
    const states = await perDevice.until((e) => e.some((x) => x.data?.deviceCommands.state === 'SUCCEEDED'));
    expect(states.map((s) => s.data?.deviceCommands.state)).toEqual(['SENT', 'DELIVERED', 'SUCCEEDED']);
    await client.dispose();
    for (const d of devices) d.ws.terminate();
  });
});

describe('command bounds', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(() => server?.close());

  it('sends a rated job at its rate, and keeps at most 100 open commands per device', async () => {
    const devices: V2TestDevice[] = [];
    for (let i = 0; i < 6; i++) {
      const d = await V2TestDevice.connect(server.deviceUrl);
      expect((await d.request(formatDeviceFrame('INIT', 1, `rt${i}`, { n: 1 }))).ok).toBe(true);
      devices.push(d);
    }
    await eventually(
      async () =>
        (await data<{ devices: { nodes: Array<{ protocol: number }> } }>(server.url, '{ devices { nodes { protocol } } }'))
          .devices.nodes,
      (n) => n.length === 6 && n.every((d) => d.protocol === 2),
    );
    const started = performance.now();
    await data(
      server.url,
      'mutation { sendCommand(input: { where: [{ field: "serial", op: STARTS_WITH, value: "rt" }], name: "go", ratePerSecond: 2 }) { id } }',
    );
    await Promise.all(devices.map((d) => d.nextCommand(10_000)));
    // Two a second with a burst of two: the sixth goes out after about two seconds, not at once.
    expect(performance.now() - started).toBeGreaterThan(1500);
    for (const d of devices) d.ws.terminate();

    // The bound, through the store (creating 105 jobs through the API would meet the per-user rate first).
    const db = await openDatabase(server.app.config, createLogger('silent', false), { migrate: false });
    const store = new CommandStore(db);
    const job = {
      name: 'n',
      args: {},
      userId: null,
      via: 'lab',
      address: 'test',
      ackTimeoutMs: 10_000,
      retries: 0,
      expiresAt: Date.now() + 60_000,
    };
    for (let i = 0; i < 105; i++) await store.create(job, [{ serial: 'rt0', skip: null }]);
    // A job for thousands of devices is a few batched statements, within the database's parameter bound.
    const big = await store.create(
      job,
      Array.from({ length: 3000 }, (_, i) => ({ serial: `many-${i}`, skip: null })),
    );
    expect((await store.counts(big.id)).QUEUED).toBe(3000);
    const states = await store.executions({ serial: 'rt0' }, 0, 500);
    expect(states.filter((s) => s.state === 'QUEUED' || s.state === 'SENT').length).toBe(100);
    expect(
      states.filter((s) => s.state === 'EXPIRED' && s.reason?.startsWith('more than 100 open commands')).length,
    ).toBeGreaterThanOrEqual(5);
    await db.$disconnect();
  }, 20_000);
});
