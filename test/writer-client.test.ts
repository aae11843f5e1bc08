import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../server/config.ts';
import { createLogger } from '../server/logger.ts';
import { openDatabase } from '../server/storage/database.ts';
import { DEFAULT_RETENTION } from '../server/storage/maintenance.ts';
import { WriterClient } from '../server/storage/writer-client.ts';
import { tempDir } from './support/server.ts';
import { eventually } from './support/wait.ts';

describe('the writer thread', () => {
  const dir = tempDir();
  afterAll(() => dir.remove());

  it('is started again after it dies; meanwhile writes fail instead of hanging', async () => {
    const config = parseConfig({ dataDir: dir.path });
    const db = await openDatabase(config, createLogger('silent', false));
    const client = new WriterClient(
      { provider: 'sqlite', url: config.databaseUrl, sqliteSync: 'FULL', instance: 'w1', retention: DEFAULT_RETENTION },
      createLogger('silent', false),
    );
    await client.start();
    await client.write([{ serial: 'wc-1', t: 1000, values: [['a', 1]] }]);
    // Kill the thread as a crash would.
    await (client as unknown as { worker: { terminate(): Promise<number> } }).worker.terminate();
    await expect(client.write([{ serial: 'wc-1', t: 1001, values: [['a', 2]] }])).rejects.toThrow(/not running/);
    await eventually(
      () => client.running,
      (running) => running,
      5000,
    );
    await client.write([{ serial: 'wc-1', t: 1002, values: [['a', 3]] }]);
    const values = await db.deviceValue.findMany({ where: { device: { serial: 'wc-1' } } });
    expect(values.map((v) => v.value)).toEqual(['3']);
    await client.close();
    await db.$disconnect();
  });
});
