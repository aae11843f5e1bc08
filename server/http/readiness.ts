import type { PubSubHandle } from '../live/bus.ts';
import type { Db } from '../storage/database.ts';

export interface ReadinessDeps {
  db: Db;
  pubsub: PubSubHandle;
  writerRunning: () => boolean;
  closing: () => boolean;
}

/** `/readyz` answers within this even when a dependency hangs (a partition): silence is "not ready". */
export const READINESS_TIMEOUT_MS = 800;

function within<T>(work: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${READINESS_TIMEOUT_MS} ms`)), READINESS_TIMEOUT_MS);
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

/** `/readyz`: null when the database, the broker and the writer thread answer, else the first that does not. */
export function readiness(deps: ReadinessDeps): () => Promise<string | null> {
  return async () => {
    if (deps.closing()) return 'shutting down';
    if (!deps.writerRunning()) return 'storage writer thread is not running';
    const [database, redis] = await Promise.allSettled([
      within(deps.db.$queryRawUnsafe('SELECT 1'), 'the database'),
      within(deps.pubsub.ping(), 'redis'),
    ]);
    if (database.status === 'rejected') return `database: ${(database.reason as Error).message}`;
    if (redis.status === 'rejected') return `redis: ${(redis.reason as Error).message}`;
    return null;
  };
}
