import { afterAll, describe, expect, it } from 'vitest';
import { CloseCode } from '../protocol/codes.ts';
import { formatDeviceFrame, parseAnswer } from '../protocol/frames.ts';
import { connectDevice } from './support/device.ts';
import { data } from './support/graphql.ts';
import { spawnServer } from './support/process.ts';
import { providers } from './support/providers.ts';
import { tempDir } from './support/server.ts';

const cases = await providers();

interface Fleet {
  devices: { totalCount: number; nodes: Array<{ serial: string; params: Record<string, unknown> }> };
}
const FLEET = '{ devices(limit: 500) { totalCount nodes { serial params } } }';

describe('the server process', () => {
  const dir = tempDir();
  afterAll(() => dir.remove());

  for (const provider of cases) {
    it.skipIf(!provider.available)(`loses nothing it acknowledged when killed with SIGKILL (${provider.name})`, async () => {
      const database = await provider.create();
      const flags = ['--data-dir', dir.path, '--database-url', database.url];
      const first = await spawnServer(flags);
      const devices = await Promise.all([0, 1, 2, 3].map(() => connectDevice(first.deviceUrl)));
      const acked = new Map<string, number>();
      // Four devices send as fast as they are answered; the kill lands mid-stream.
      const senders = devices.map(async (d, k) => {
        const serial = `kill-${k}`;
        for (let i = 0; ; i++) {
          const answer = await d.update(i, serial, { counter: i, label: `n${i}` }).catch(() => null);
          if (!answer) return;
          expect(answer.ok).toBe(true);
          acked.set(serial, i);
        }
      });
      await new Promise((r) => setTimeout(r, 1500));
      first.proc.kill('SIGKILL');
      await first.exited;
      await Promise.all(senders);
      expect(acked.size).toBe(4);

      const second = await spawnServer(flags);
      const { devices: page } = await data<Fleet>(second.url, FLEET);
      for (const [serial, counter] of acked) {
        const stored = page.nodes.find((n) => n.serial === serial)?.params.counter as number;
        // Everything acknowledged is there; a frame committed but not yet acknowledged may be too.
        expect(stored).toBeGreaterThanOrEqual(counter);
        expect(stored).toBeLessThanOrEqual(counter + 1);
      }
      second.proc.kill('SIGTERM');
      expect(await second.exited).toEqual({ code: 0, signal: null });
      await database.drop();
    });
  }

  it('on SIGTERM answers what is pending, closes device sockets with 1001 and exits 0', async () => {
    const server = await spawnServer(['--data-dir', dir.path, '--batch-window-ms', '300']);
    const device = await connectDevice(server.deviceUrl);
    // Sent, then SIGTERM while the frame waits in its 300 ms commit window.
    device.send(formatDeviceFrame('UPDT', 1, 'term-1', { last: 'words' }));
    await new Promise((r) => setTimeout(r, 50));
    server.proc.kill('SIGTERM');
    expect(parseAnswer(await device.next())).toEqual({ head: '0001:term-1', ok: true, reason: undefined });
    expect((await device.closed).code).toBe(CloseCode.goingAway);
    expect(await server.exited).toEqual({ code: 0, signal: null });

    const again = await spawnServer(['--data-dir', dir.path]);
    const { devices: page } = await data<Fleet>(again.url, FLEET);
    expect(page.nodes.find((n) => n.serial === 'term-1')?.params).toEqual({ last: 'words' });
    again.proc.kill('SIGTERM');
    await again.exited;
  });

  it('exits 2 with a clear message on invalid configuration', async () => {
    const failed = await spawnServer(['--unknown-devices', 'sometimes']).catch((err: Error) => err.message);
    expect(failed).toMatch(/exited with 2/);
    expect(failed).toMatch(/UNKNOWN_DEVICES \(--unknown-devices\): Invalid option: expected one of "register"\|"reject"/);
  });
});
