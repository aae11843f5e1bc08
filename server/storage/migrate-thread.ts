// The migration thread: applies the committed migrations, answers once, and exits, taking Prisma's
// schema engine and its memory with it.
import { parentPort, workerData } from 'node:worker_threads';
import { applyMigrations } from '../../prisma/migrations.ts';
import { adapterFactory, type DatabaseConfig } from './database.ts';

export type MigrateResult = { applied: string[] } | { error: string };

if (parentPort) {
  const config = workerData as DatabaseConfig;
  let result: MigrateResult;
  try {
    result = { applied: await applyMigrations(config.provider, await adapterFactory(config)) };
  } catch (err) {
    result = { error: (err as Error).message };
  }
  parentPort.postMessage(result);
}
