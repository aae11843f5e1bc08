import type { Worker } from 'node:worker_threads';
import {
  DriverAdapterError,
  type IsolationLevel,
  type Error as MappedError,
  type SqlDriverAdapter,
  type SqlDriverAdapterFactory,
  type SqlQuery,
  type SqlResultSet,
  type Transaction,
  type TransactionOptions,
} from '@prisma/driver-adapter-utils';
import { startThread } from './thread.ts';

/**
 * Prisma's SQLite driver (better-sqlite3) runs every query synchronously on the calling thread, and a query that
 * needs the write lock while the writer thread commits device frames sleeps there until it is free (tens of
 * milliseconds). On the event loop that stalls every device's ack. This adapter runs the same driver in a thread
 * of its own and hands each call over as a message: the loop only waits asynchronously.
 */

/** What the main thread asks the SQLite thread (`tx` names an open transaction). */
export type ToSqlite =
  | { id: number; op: 'query' | 'execute'; tx: number | null; query: SqlQuery }
  | { id: number; op: 'script'; script: string }
  | { id: number; op: 'begin'; isolationLevel: IsolationLevel | undefined }
  | { id: number; op: 'commit' | 'rollback'; tx: number }
  | { id: number; op: 'savepoint' | 'rollbackTo' | 'release'; tx: number; name: string }
  | { id: number; op: 'dispose' };

/** Its answers: a value, or the driver's mapped error (so Prisma reports it as it would have), or a plain one. */
export type FromSqlite =
  | { id: number; value: unknown }
  | { id: number; adapterError: MappedError }
  | { id: number; message: string };

export interface SqliteThreadConfig {
  url: string;
  timeoutMs: number;
}

/** The SQLite thread: started on first use, kept alive only while a call is in flight. */
class SqliteThread {
  private worker: Worker | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();

  constructor(private readonly config: SqliteThreadConfig) {}

  call<T>(msg: ToSqliteBody): Promise<T> {
    const worker = this.worker ?? this.start();
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      // A script awaiting its database must not see the process exit under it; an idle server must not be kept up.
      if (this.pending.size === 1) worker.ref();
      worker.postMessage({ ...msg, id } as ToSqlite);
    });
  }

  private start(): Worker {
    const worker = startThread('sqlite-prisma-thread', { workerData: this.config, name: 'smart-os-sqlite' });
    this.worker = worker;
    worker.unref();
    worker.on('message', (msg: FromSqlite) => {
      const waiter = this.pending.get(msg.id);
      if (!waiter) return;
      this.pending.delete(msg.id);
      if (this.pending.size === 0) worker.unref();
      if ('value' in msg) waiter.resolve(msg.value);
      else if ('adapterError' in msg) waiter.reject(new DriverAdapterError(msg.adapterError));
      else waiter.reject(new Error(msg.message));
    });
    const fail = (why: string) => {
      if (this.worker !== worker) return;
      this.worker = null;
      // Open transactions died with the thread's connection; the next call starts a new thread.
      for (const w of this.pending.values()) w.reject(new DriverAdapterError({ kind: 'ConnectionClosed', originalMessage: why }));
      this.pending.clear();
    };
    worker.on('error', (err) => fail(err.message));
    worker.on('exit', (code) => fail(`the SQLite thread exited (${code})`));
    return worker;
  }

  /** Closes the connection and ends the thread. */
  async dispose(): Promise<void> {
    if (!this.worker) return;
    const worker = this.worker;
    await this.call({ op: 'dispose' }).catch(() => undefined);
    this.worker = null;
    await worker.terminate();
  }
}

type DistributiveOmit<T, K extends keyof T> = T extends unknown ? Omit<T, K> : never;
type ToSqliteBody = DistributiveOmit<ToSqlite, 'id'>;

const ADAPTER_NAME = '@prisma/adapter-better-sqlite3';

class ThreadQueryable {
  readonly provider = 'sqlite' as const;
  readonly adapterName = ADAPTER_NAME;

  constructor(
    protected readonly thread: SqliteThread,
    protected readonly tx: number | null,
  ) {}

  queryRaw(query: SqlQuery): Promise<SqlResultSet> {
    return this.thread.call({ op: 'query', tx: this.tx, query });
  }

  executeRaw(query: SqlQuery): Promise<number> {
    return this.thread.call({ op: 'execute', tx: this.tx, query });
  }
}

class ThreadTransaction extends ThreadQueryable implements Transaction {
  readonly options: TransactionOptions = { usePhantomQuery: false };

  constructor(thread: SqliteThread, tx: number) {
    super(thread, tx);
  }

  commit(): Promise<void> {
    return this.thread.call({ op: 'commit', tx: this.tx as number });
  }

  rollback(): Promise<void> {
    return this.thread.call({ op: 'rollback', tx: this.tx as number });
  }

  createSavepoint(name: string): Promise<void> {
    return this.thread.call({ op: 'savepoint', tx: this.tx as number, name });
  }

  rollbackToSavepoint(name: string): Promise<void> {
    return this.thread.call({ op: 'rollbackTo', tx: this.tx as number, name });
  }

  releaseSavepoint(name: string): Promise<void> {
    return this.thread.call({ op: 'release', tx: this.tx as number, name });
  }
}

class ThreadAdapter extends ThreadQueryable implements SqlDriverAdapter {
  constructor(thread: SqliteThread) {
    super(thread, null);
  }

  executeScript(script: string): Promise<void> {
    return this.thread.call({ op: 'script', script });
  }

  async startTransaction(isolationLevel?: IsolationLevel): Promise<Transaction> {
    const tx = await this.thread.call<number>({ op: 'begin', isolationLevel });
    return new ThreadTransaction(this.thread, tx);
  }

  dispose(): Promise<void> {
    return this.thread.dispose();
  }
}

/** Prisma's better-sqlite3 adapter, run in a thread of its own (see above). */
export class SqliteThreadAdapterFactory implements SqlDriverAdapterFactory {
  readonly provider = 'sqlite' as const;
  readonly adapterName = ADAPTER_NAME;

  constructor(private readonly config: SqliteThreadConfig) {}

  connect(): Promise<SqlDriverAdapter> {
    return Promise.resolve(new ThreadAdapter(new SqliteThread(this.config)));
  }
}
