import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WELCOME_MESSAGE } from '../protocol/frames.ts';
import { connectDevice, TestDevice } from './support/device.ts';
import { seedTraffic } from './support/fixtures.ts';
import { data } from './support/graphql.ts';
import { providers } from './support/providers.ts';
import { startServer, type TestServer, tempDir } from './support/server.ts';

// What the protocol document says devices send that is not a parameter.
const NOT_PARAMETERS = new Set([
  'server_url',
  'websocket',
  'connected',
  'publish',
  'message_id',
  'message_queue',
  'tasks',
  'serial_number',
]);

/** The final state the recorded traffic should leave, computed independently of the server's parser. */
function expectedState(frames: string[]): Map<string, Record<string, unknown>> {
  const state = new Map<string, Record<string, unknown>>();
  for (const text of frames) {
    const { message } = JSON.parse(text) as { message: string };
    const [msgid, serial] = message.split(':', 2) as [string, string];
    const body = JSON.parse(message.slice(msgid.length + serial.length + 2)) as Record<string, unknown>;
    const params = state.get(serial) ?? {};
    for (const [key, value] of Object.entries(body)) {
      const name = key.startsWith('_') ? key.slice(1) : key;
      if (NOT_PARAMETERS.has(name) || (typeof value === 'object' && value !== null)) continue;
      params[name] = value;
    }
    state.set(serial, params);
  }
  return state;
}

/** Plays the traffic with one socket per device, each waiting for its answer like the originals. */
async function replay(deviceUrl: string, frames: string[]): Promise<Array<{ frame: string; answer: string }>> {
  const bySerial = new Map<string, string[]>();
  for (const frame of frames) {
    const serial = (JSON.parse(frame) as { message: string }).message.split(':', 2)[1] as string;
    bySerial.set(serial, [...(bySerial.get(serial) ?? []), frame]);
  }
  const results: Array<{ frame: string; answer: string }> = [];
  await Promise.all(
    [...bySerial.values()].map(async (list) => {
      const device = await connectDevice(deviceUrl);
      for (const frame of list) {
        device.send(frame);
        results.push({ frame, answer: await device.next() });
      }
      await device.close();
    }),
  );
  return results;
}

interface FleetPage {
  devices: { totalCount: number; nodes: Array<{ serial: string; params: Record<string, unknown> }> };
}

const FLEET = '{ devices(limit: 500) { totalCount nodes { serial params } } }';

for (const provider of await providers()) {
  describe.skipIf(!provider.available)(`the recorded traffic of the original devices, on ${provider.name}`, () => {
    const frames = seedTraffic().map((r) => r.frame);
    const expected = expectedState(frames);
    const dir = tempDir();
    let database: { url: string; drop(): Promise<void> };
    let server: TestServer;
    // Replayed as fast as answers come, far above what the old devices send.
    const settings = () => ({ dataDir: dir.path, databaseUrl: database.url, maxFramesPerSecond: 100_000, batchWindowMs: 0 });

    beforeAll(async () => {
      database = await provider.create();
      server = await startServer(settings());
    });
    afterAll(async () => {
      await server?.close();
      await database?.drop();
      dir.remove();
    });

    it('greets with the exact original welcome string', async () => {
      const device = new TestDevice(server.deviceUrl);
      await device.opened;
      expect(await device.next()).toBe(JSON.stringify({ type: 'INFO', message: WELCOME_MESSAGE }));
      expect(WELCOME_MESSAGE).toBe(
        "Welcome to SMART-Server - SolMate Real-Time ObServer! - SolServerConsumer: groups ['updates']",
      );
      await device.close();
    });

    it('answers every recorded frame OK with its own head', async () => {
      expect(frames.length).toBeGreaterThan(7000);
      const results = await replay(server.deviceUrl, frames);
      expect(results).toHaveLength(frames.length);
      for (const { frame, answer } of results) {
        const head = (JSON.parse(frame) as { message: string }).message.split(':', 2).join(':');
        expect(JSON.parse(answer)).toEqual({ type: 'INFO', message: `${head}:OK` });
      }
    });

    it('ends with the last value sent per device and parameter', async () => {
      const { devices } = await data<FleetPage>(server.url, FLEET);
      expect(devices.totalCount).toBe(expected.size);
      for (const node of devices.nodes) expect(node.params).toEqual(expected.get(node.serial));
    });

    it('keeps that state across a restart', async () => {
      await server.close();
      server = await startServer(settings());
      const { devices } = await data<FleetPage>(server.url, FLEET);
      expect(devices.totalCount).toBe(expected.size);
      for (const node of devices.nodes) expect(node.params).toEqual(expected.get(node.serial));
    });
  });
}
