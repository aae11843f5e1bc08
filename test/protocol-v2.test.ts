import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { ErrorReason } from '../protocol/codes.ts';
import { formatDeviceFrame, parseAnswer } from '../protocol/frames.ts';
import { formatCapabilities, formatResult, V2_SUBPROTOCOL } from '../protocol/v2.ts';
import { connectDevice } from './support/device.ts';
import { data } from './support/graphql.ts';
import { startServer, type TestServer, tempDir } from './support/server.ts';

/** A v2 device socket (the subprotocol offered), welcome consumed. */
async function v2Device(url: string, protocols: string[] = [V2_SUBPROTOCOL]) {
  const ws = new WebSocket(url, protocols);
  const frames: string[] = [];
  const waiters: Array<(t: string) => void> = [];
  ws.on('message', (m) => {
    const w = waiters.shift();
    if (w) w(m.toString());
    else frames.push(m.toString());
  });
  await new Promise((r, j) => ws.once('open', r).once('error', j));
  const next = () => {
    const f = frames.shift();
    return f !== undefined ? Promise.resolve(f) : new Promise<string>((r) => waiters.push(r));
  };
  await next(); // welcome
  const request = async (text: string) => {
    ws.send(text);
    return parseAnswer(await next());
  };
  return { ws, request };
}

describe('protocol v2, negotiated by subprotocol', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(() => server?.close());

  it('selects smart-os.v2 when offered, among other protocols', async () => {
    const v2 = await v2Device(server.deviceUrl, ['something-else', V2_SUBPROTOCOL]);
    expect(v2.ws.protocol).toBe(V2_SUBPROTOCOL);
    v2.ws.close();
  });

  it('refuses RSLT and CAPS on a v1 socket with a named reason, one answer per frame', async () => {
    const v1 = await connectDevice(server.deviceUrl);
    expect(v1.ws.protocol).toBe('');
    expect(await v1.update(1, 'v1a', { n: 1 })).toMatchObject({ ok: true });
    expect(await v1.request(formatCapabilities('0002', 'v1a', { commands: [] }))).toEqual({
      head: '0002:v1a',
      ok: false,
      reason: ErrorReason.v2Only,
    });
    expect(await v1.update(3, 'v1a', { n: 3 })).toMatchObject({ head: '0003:v1a', ok: true });
    v1.ws.terminate();
  });

  it('stores CAPS (answered OK once durable) and shows it on the device; bad v2 input gets its reason', async () => {
    const d = await v2Device(server.deviceUrl);
    const caps = {
      agent: { name: 'test-agent', version: '1.0.0' },
      commands: [
        {
          name: 'switch-mode',
          description: 'Switch the operating mode',
          args: { type: 'object', properties: { mode: { enum: ['eco', 'boost'] } } },
        },
      ],
    };
    expect(await d.request(formatCapabilities('0001', 'c1', caps))).toMatchObject({ ok: false, reason: ErrorReason.initFirst });
    expect(await d.request(formatDeviceFrame('INIT', 2, 'c1', { mode: 'eco' }))).toMatchObject({ ok: true });
    expect(await d.request(formatCapabilities('0003', 'c1', caps))).toEqual({ head: '0003:c1', ok: true, reason: undefined });
    const view = await data<{ device: { capabilities: unknown } }>(server.url, '{ device(serial: "c1") { capabilities } }');
    expect(view.device.capabilities).toEqual(caps);
    const bad: Array<[string, string]> = [
      [formatResult('77', 'c1', { status: 'succeeded' }), ErrorReason.unknownCommand],
      [JSON.stringify({ type: 'RSLT', message: '77:c1:{"status":"done"}' }), ErrorReason.badStatus],
      [JSON.stringify({ type: 'RSLT', message: '77:c1:{"status":"progress","percent":120}' }), ErrorReason.badResult],
      [
        JSON.stringify({ type: 'RSLT', message: `77:c1:{"status":"succeeded","result":"${'x'.repeat(17_000)}"}` }),
        ErrorReason.resultTooLarge,
      ],
      [JSON.stringify({ type: 'RSLT', message: 'x7:c1:{"status":"received"}' }), ErrorReason.badMsgId],
      [JSON.stringify({ type: 'CAPS', message: '0004:c1:{"commands":"all"}' }), ErrorReason.badCapabilities],
      [JSON.stringify({ type: 'CAPS', message: '0005:c1:{"commands":[{"name":"a b"}]}' }), ErrorReason.badCapabilities],
      [JSON.stringify({ type: 'CMND', message: '0006:c1:{}' }), ErrorReason.unsupportedType],
    ];
    for (const [frame, reason] of bad) expect((await d.request(frame))?.reason, frame.slice(0, 60)).toBe(reason);
    d.ws.close();
  });

  it('keeps capabilities across a restart (stored)', async () => {
    const dir = tempDir();
    try {
      const first = await startServer({ dataDir: dir.path });
      const d = await v2Device(first.deviceUrl);
      await d.request(formatDeviceFrame('INIT', 1, 'r1', { n: 1 }));
      expect(await d.request(formatCapabilities('0002', 'r1', { commands: [{ name: 'reboot' }] }))).toMatchObject({ ok: true });
      d.ws.terminate();
      await first.close();
      const again = await startServer({ dataDir: dir.path });
      const view = await data<{ device: { capabilities: unknown } }>(again.url, '{ device(serial: "r1") { capabilities } }');
      expect(view.device.capabilities).toEqual({ commands: [{ name: 'reboot' }] });
      await again.close();
    } finally {
      dir.remove();
    }
  });
});
