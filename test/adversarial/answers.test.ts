import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloseCode } from '../../protocol/codes.ts';
import { formatDeviceFrame, parseAnswer } from '../../protocol/frames.ts';
import { connectDevice, type TestDevice } from '../support/device.ts';
import { data } from '../support/graphql.ts';
import { startServer, type TestServer } from '../support/server.ts';

interface History {
  device: { history: Array<{ value: unknown }> } | null;
}
const HISTORY =
  'query($s: String!) { device(serial: $s) { history(name: "n", since: "2000-01-01T00:00:00Z", until: "2100-01-01T00:00:00Z") { value } } }';

/** Everything a socket receives until it closes. */
function collect(d: TestDevice): Promise<{ answers: string[]; code: number }> {
  const answers: string[] = [...d.received];
  d.ws.on('message', (m) => answers.push(m.toString()));
  return d.closed.then(({ code }) => ({ answers, code }));
}

describe('every frame the server stored is answered on its socket, even when that socket is being closed', () => {
  let server: TestServer;
  beforeAll(async () => {
    // A wide commit window keeps many frames in flight when the socket is replaced.
    server = await startServer({ maxFramesPerSecond: 200, batchWindowMs: 40 });
  });
  afterAll(() => server?.close());

  const stored = async (serial: string) => (await data<History>(server.url, HISTORY, { s: serial })).device?.history.length ?? 0;

  it('answers the frames in flight before closing a replaced socket with 4001', async () => {
    const old = await connectDevice(server.deviceUrl);
    const done = collect(old);
    for (let i = 0; i < 150; i++) old.send(formatDeviceFrame('UPDT', i, 'R1', { n: i }));
    const fresh = await connectDevice(server.deviceUrl);
    expect((await fresh.update(10_000, 'R1', { m: 1 })).ok).toBe(true);
    const { answers, code } = await done;
    expect(code).toBe(CloseCode.replaced);
    const oks = answers.map(parseAnswer).filter((a) => a?.ok).length;
    expect(oks).toBeGreaterThan(0);
    // Stored ⇔ answered OK: nothing stored is left for the device to send twice.
    expect(await stored('R1')).toBe(oks);
    // The newer socket kept the device.
    expect((await fresh.update(10_001, 'R1', { m: 2 })).ok).toBe(true);
    fresh.ws.terminate();
  });

  it('answers the frames in flight before closing a flooding socket with 1008', async () => {
    const flooder = await connectDevice(server.deviceUrl);
    const done = collect(flooder);
    for (let i = 0; i < 400; i++) flooder.send(formatDeviceFrame('UPDT', i, 'F1', { n: i }));
    const { answers, code } = await done;
    expect(code).toBe(CloseCode.policyViolation);
    const oks = answers.map(parseAnswer).filter((a) => a?.ok).length;
    expect(oks).toBeGreaterThanOrEqual(150);
    expect(await stored('F1')).toBe(oks);
  });
});
