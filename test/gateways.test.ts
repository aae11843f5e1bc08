import { afterEach, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from './support/server.ts';
import { connectDevice } from './support/device.ts';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('device gateways', () => {
  it('smoke', async () => {
    server = await startServer({ deviceGateways: 2 });
    const device = await connectDevice(server.deviceUrl);
    const answer = await device.update(1, 'gw-1', { battery: 50 }, 'INIT');
    expect(answer).toMatchObject({ ok: true });
    expect(server.app.fleet.get('gw-1')?.params.get('battery')).toBe(50);
    await device.close();
  });
});
