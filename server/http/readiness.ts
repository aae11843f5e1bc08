import type { PubSubHandle } from '../live/bus.ts';
import type { Db } from '../storage/database.ts';

export interface ReadinessDeps {
  db: Db;
  pubsub: PubSubHandle;
  writerRunning: () => boolean;
  closing: () => boolean;
}

/** `/readyz`: null when the database, the broker and the writer thread answer, else the first that does not. */
export function readiness(deps: ReadinessDeps): () => Promise<string | null> {
  return async () => {
    try {
      await deps.db.$queryRawUnsafe('SELECT 1');
    } catch (err) {
      return `database: ${(err as Error).message}`;
    }
    try {
      await deps.pubsub.ping();
    } catch (err) {
      return `redis: ${(err as Error).message}`;
    }
    if (!deps.writerRunning()) return 'storage writer thread is not running';
    return deps.closing() ? 'shutting down' : null;
  };
}
