import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloseCode, ErrorReason } from '../protocol/codes.ts';
import { formatDeviceFrame } from '../protocol/frames.ts';
import { connectDevice } from './support/device.ts';
import { data } from './support/graphql.ts';
import { startServer, type TestServer } from './support/server.ts';
import { eventually } from './support/wait.ts';

const updt = (msgid: string, serial: string, body: string) =>
  JSON.stringify({ type: 'UPDT', message: `${msgid}:${serial}:${body}` });

interface DeviceView {
  device: { serial: string; online: boolean; lastSeen: string | null; createdAt: string; params: Record<string, unknown> } | null;
}
const DEVICE = 'query($s: String!) { device(serial: $s) { serial online lastSeen createdAt params } }';

describe('device ingress', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ maxParamsPerDevice: 4, maxParameters: 40, maxFramesPerSecond: 50, maxFrameBytes: 4096 });
  });
  afterAll(() => server?.close());

  it('answers each bad frame with ERROR and its reason, keeps the socket open, and keeps serving other devices', async () => {
    const bad = await connectDevice(server.deviceUrl);
    const good = await connectDevice(server.deviceUrl);
    const cases: Array<[string, string | null, string]> = [
      ['not json', null, ErrorReason.notJson],
      [updt('12', 'b01', '{}'), null, ErrorReason.badMsgId],
      [updt('0001', 'bad serial', '{}'), null, ErrorReason.badSerial],
      [updt('0001', 'b01', 'nope'), '0001:b01', ErrorReason.bodyNotJson],
      [updt('0002', 'b01', '[1,2]'), '0002:b01', ErrorReason.bodyNotObject],
      [updt('0003', 'b01', `{"${'x'.repeat(65)}": 1}`), '0003:b01', ErrorReason.badName],
      [updt('0004', 'b01', '{"a/b": 1}'), '0004:b01', ErrorReason.badName],
      [updt('0005', 'b01', `{"s": "${'y'.repeat(1025)}"}`), '0005:b01', ErrorReason.stringTooLong],
      [updt('0006', 'b01', '{"p1":1,"p2":2,"p3":3,"p4":4,"p5":5}'), '0006:b01', ErrorReason.tooManyParameters],
    ];
    let msgid = 0;
    for (const [frame, head, reason] of cases) {
      const answer = await bad.request(frame);
      expect(answer).toEqual({ head, ok: false, reason });
      // Meanwhile another device is served as usual.
      expect(await good.update(msgid, 'g01', { n: msgid })).toMatchObject({ ok: true });
      msgid++;
    }
    bad.ws.send(Buffer.from('binary'), { binary: true });
    expect(await bad.nextAnswer()).toEqual({ head: null, ok: false, reason: ErrorReason.notText });
    // Still open, and a good frame on the same socket is accepted; nothing of the bad ones was applied.
    expect(await bad.update(7, 'b01', { p1: 1 })).toEqual({ head: '0007:b01', ok: true, reason: undefined });
    const view = await data<DeviceView>(server.url, DEVICE, { s: 'b01' });
    expect(view.device?.params).toEqual({ p1: 1 });
    expect((await data<DeviceView>(server.url, DEVICE, { s: 'g01' })).device?.params).toEqual({ n: cases.length - 1 });
    await Promise.all([bad.close(), good.close()]);
  });

  it('counts parameters across frames: a device cannot grow past the limit', async () => {
    const d = await connectDevice(server.deviceUrl);
    expect((await d.update(1, 'limit-1', { a: 1, b: 2, c: 3 })).ok).toBe(true);
    expect((await d.update(2, 'limit-1', { d: 4 })).ok).toBe(true);
    expect(await d.update(3, 'limit-1', { e: 5 })).toMatchObject({ ok: false, reason: ErrorReason.tooManyParameters });
    expect((await d.update(4, 'limit-1', { a: 10, d: 40 })).ok).toBe(true);
    await d.close();
  });

  it('bounds the parameter catalogue of the whole fleet', async () => {
    const d = await connectDevice(server.deviceUrl);
    const answers = [];
    for (let i = 0; i < 12; i++) {
      answers.push(await d.update(i, `cat-${i}`, { [`q${i}a`]: 1, [`q${i}b`]: 2, [`q${i}c`]: 3, [`q${i}d`]: 4 }));
    }
    expect(answers.some((a) => !a.ok && a.reason === ErrorReason.catalogueFull)).toBe(true);
    const { parameters } = await data<{ parameters: unknown[] }>(server.url, '{ parameters { name } }');
    expect(parameters.length).toBeLessThanOrEqual(40);
    await d.close();
  });

  it('closes the socket with 1009 for a frame over the size limit', async () => {
    const d = await connectDevice(server.deviceUrl);
    d.send(updt('0001', 'big', `{"s": "${'z'.repeat(5000)}"}`));
    expect((await d.closed).code).toBe(CloseCode.messageTooBig);
  });

  it('closes the socket with 1008 when a connection floods', async () => {
    const d = await connectDevice(server.deviceUrl);
    for (let i = 0; i < 200; i++) d.send(formatDeviceFrame('UPDT', i, 'flood', { i }));
    expect((await d.closed).code).toBe(CloseCode.policyViolation);
  });

  it('tracks presence: online while connected, offline after, lastSeen from the newest frame', async () => {
    const d = await connectDevice(server.deviceUrl);
    const before = Date.now();
    expect((await d.update(1, 'pres-1', { x: 1 })).ok).toBe(true);
    let view = await data<DeviceView>(server.url, DEVICE, { s: 'pres-1' });
    expect(view.device?.online).toBe(true);
    const seen = Date.parse(view.device?.lastSeen ?? '');
    expect(seen).toBeGreaterThanOrEqual(before - 5);
    expect(seen).toBeLessThanOrEqual(Date.now());
    await d.close();
    view = await eventually(
      () => data<DeviceView>(server.url, DEVICE, { s: 'pres-1' }),
      (v) => v.device?.online === false,
    );
    expect(view.device?.online).toBe(false);
    expect(Date.parse(view.device?.lastSeen ?? '')).toBe(seen);
  });

  it('lets a reconnecting device replace its old socket', async () => {
    const first = await connectDevice(server.deviceUrl);
    expect((await first.update(1, 'move-1', { x: 1 })).ok).toBe(true);
    const second = await connectDevice(server.deviceUrl);
    expect((await second.update(2, 'move-1', { x: 2 })).ok).toBe(true);
    expect((await first.closed).code).toBe(CloseCode.replaced);
    // The old socket closing does not take the device offline: the new one holds it.
    await new Promise((r) => setTimeout(r, 100));
    const view = await data<DeviceView>(server.url, DEVICE, { s: 'move-1' });
    expect(view.device).toMatchObject({ online: true, params: { x: 2 } });
    await second.close();
  });

  it('accepts /update without the trailing slash', async () => {
    const d = await connectDevice(server.deviceUrl.replace(/\/$/, ''));
    expect((await d.update(1, 'noslash', { a: 1 })).ok).toBe(true);
    await d.close();
  });
});

describe('device ingress policies', () => {
  it('rejects unknown serials when UNKNOWN_DEVICES=reject, and still serves known ones', async () => {
    const open = await startServer();
    const d = await connectDevice(open.deviceUrl);
    expect((await d.update(1, 'known-1', { a: 1 })).ok).toBe(true);
    await d.close();
    const dataDir = open.dataDir;
    await open.app.close();

    const strict = await startServer({ dataDir, unknownDevices: 'reject' });
    const s = await connectDevice(strict.deviceUrl);
    expect(await s.update(2, 'stranger', { a: 1 })).toEqual({
      head: '0002:stranger',
      ok: false,
      reason: ErrorReason.unknownDevice,
    });
    expect((await s.update(3, 'known-1', { a: 2 })).ok).toBe(true);
    expect((await data<DeviceView>(strict.url, DEVICE, { s: 'stranger' })).device).toBeNull();
    await s.close();
    await strict.close();
    await open.close();
  });

  it('takes a device that stops answering pings offline', async () => {
    const server = await startServer({ heartbeatMs: 1000 });
    const silent = await connectDevice(server.deviceUrl, { autoPong: false });
    expect((await silent.update(1, 'silent-1', { a: 1 })).ok).toBe(true);
    const closed = await silent.closed;
    expect(closed.code).toBe(1006); // terminated without a close frame
    const view = await eventually(
      () => data<DeviceView>(server.url, DEVICE, { s: 'silent-1' }),
      (v) => v.device?.online === false,
    );
    expect(view.device?.online).toBe(false);
    await server.close();
  });

  it('keeps a device that answers pings online across heartbeats', async () => {
    const server = await startServer({ heartbeatMs: 1000 });
    const d = await connectDevice(server.deviceUrl);
    expect((await d.update(1, 'alive-1', { a: 1 })).ok).toBe(true);
    await new Promise((r) => setTimeout(r, 2600));
    expect((await data<DeviceView>(server.url, DEVICE, { s: 'alive-1' })).device?.online).toBe(true);
    await d.close();
    await server.close();
  });
});
