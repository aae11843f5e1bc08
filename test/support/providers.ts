import { join } from 'node:path';
import { tempDir } from './server.ts';
import { createPgDatabase, postgresAvailable } from './services.ts';

export interface ProviderCase {
  name: 'sqlite' | 'postgres';
  /** False when the service is missing: the suite shows as skipped (and the run warns loudly). */
  available: boolean;
  /** A fresh, empty database for one test file. */
  create(): Promise<{ url: string; drop(): Promise<void> }>;
}

const sqlite: Omit<ProviderCase, 'available'> = {
  name: 'sqlite',
  async create() {
    const dir = tempDir('smartos-db-');
    return { url: `file:${join(dir.path, 'test.db')}`, drop: async () => dir.remove() };
  },
};

const postgres: Omit<ProviderCase, 'available'> = { name: 'postgres', create: createPgDatabase };

/** SQLite, and PostgreSQL when reachable (a loud skip otherwise, a failure with REQUIRE_SERVICES=1). */
export async function providers(): Promise<ProviderCase[]> {
  return [
    { ...sqlite, available: true },
    { ...postgres, available: await postgresAvailable() },
  ];
}
