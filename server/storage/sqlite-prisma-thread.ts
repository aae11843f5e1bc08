// The SQLite thread: Prisma's better-sqlite3 adapter, answering the main thread's calls one at a time (see
// sqlite-prisma-proxy.ts for why it runs here).
import { parentPort, workerData } from 'node:worker_threads';
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import type { Error as MappedError, SqlDriverAdapter, Transaction } from '@prisma/driver-adapter-utils';
import type { FromSqlite, SqliteThreadConfig, ToSqlite } from './sqlite-prisma-proxy.ts';

if (parentPort) {
  const port = parentPort;
  const config = workerData as SqliteThreadConfig;
  // Dates as integer milliseconds: compact, and what the writer thread stores.
  const adapter: Promise<SqlDriverAdapter> = new PrismaBetterSqlite3(
    { url: config.url, timeout: config.timeoutMs },
    { timestampFormat: 'unixepoch-ms' },
  ).connect();
  const open = new Map<number, Transaction>();
  let nextTx = 1;

  const txOf = (id: number): Transaction => {
    const tx = open.get(id);
    if (!tx) throw new Error(`transaction ${id} is not open`);
    return tx;
  };

  const run = async (msg: ToSqlite): Promise<unknown> => {
    const db = await adapter;
    switch (msg.op) {
      case 'query':
        return (msg.tx === null ? db : txOf(msg.tx)).queryRaw(msg.query);
      case 'execute':
        return (msg.tx === null ? db : txOf(msg.tx)).executeRaw(msg.query);
      case 'script':
        return db.executeScript(msg.script);
      case 'begin': {
        const tx = await db.startTransaction(msg.isolationLevel);
        const id = nextTx++;
        open.set(id, tx);
        return id;
      }
      case 'commit':
      case 'rollback': {
        const tx = txOf(msg.tx);
        open.delete(msg.tx);
        return msg.op === 'commit' ? tx.commit() : tx.rollback();
      }
      case 'savepoint':
        return txOf(msg.tx).createSavepoint?.(msg.name);
      case 'rollbackTo':
        return txOf(msg.tx).rollbackToSavepoint?.(msg.name);
      case 'release':
        return txOf(msg.tx).releaseSavepoint?.(msg.name);
      case 'dispose':
        return db.dispose();
    }
  };

  port.on('message', (msg: ToSqlite) => {
    run(msg).then(
      (value) => port.postMessage({ id: msg.id, value } satisfies FromSqlite),
      (err: Error & { cause?: unknown }) => {
        // The driver's own errors carry the mapped cause Prisma turns into P2002 and the like.
        const answer: FromSqlite =
          err.name === 'DriverAdapterError' && typeof err.cause === 'object' && err.cause !== null
            ? { id: msg.id, adapterError: err.cause as MappedError }
            : { id: msg.id, message: err.message };
        port.postMessage(answer);
      },
    );
  });
}
