import type { Worker } from 'node:worker_threads';
import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import { DAY_MS } from '../time.ts';
import type { AlertWrite } from './alert-rows.ts';
import type { WriteItem } from './batch.ts';
import { startThread } from './thread.ts';
import type { FromWriter, ToWriter, WriterOptions } from './writer-protocol.ts';

/** The writer thread's options from the configuration. */
export function writerOptions(config: Config, instance: string): WriterOptions {
  return {
    provider: config.provider,
    url: config.databaseUrl,
    sqliteSync: config.sqliteSync,
    instance,
    retention: {
      rawMs: config.retentionRawDays * DAY_MS,
      minuteMs: config.retentionMinuteDays * DAY_MS,
      hourMs: config.retentionHourDays * DAY_MS,
    },
  };
}

/** The main thread's handle on the writer thread. */
export class WriterClient {
  private worker: Worker | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (fenced: boolean) => void; reject: (err: Error) => void }>();
  private closing: (() => void) | null = null;
  private stopped = false;
  /** Restarts are for a thread that ran and died; a first start that fails is the caller's error. */
  private everReady = false;

  /** A restart after a failure is logged once, and its recovery once: not a line per attempt. */
  private failing = false;

  constructor(
    private readonly options: WriterOptions,
    private readonly log: Logger,
    /**
     * A commit not answered within this is failed (its frames are answered storageFailed). On PostgreSQL
     * the thread, stuck in a transaction on a connection that no longer answers, is replaced.
     */
    private readonly commitTimeoutMs = Number.POSITIVE_INFINITY,
  ) {}

  /** Starts the thread and waits until its connection is open. */
  start(): Promise<void> {
    return new Promise((resolve, reject) => {
      const worker = startThread('writer-thread', { workerData: this.options, name: 'smart-os-writer' });
      this.worker = worker;
      worker.on('message', (msg: FromWriter) => {
        switch (msg.op) {
          case 'ready':
            if (this.failing) this.log.info('storage writer is working again');
            this.failing = false;
            this.everReady = true;
            resolve();
            break;
          case 'fatal':
            if (!this.everReady) this.stopped = true;
            reject(new Error(`storage writer failed to start: ${msg.message}`));
            break;
          case 'written':
            this.settle(msg.id)?.resolve(msg.fenced === true);
            break;
          case 'failed':
            this.settle(msg.id)?.reject(new Error(msg.message));
            break;
          case 'closed':
            this.closing?.();
            break;
          case 'warn':
            this.log.warn(msg.message);
            break;
        }
      });
      worker.on('error', (err) => {
        this.log.error({ err }, 'storage writer thread crashed');
        reject(err);
        this.failAll(err);
      });
      worker.on('exit', (code) => {
        if (this.worker === worker) this.worker = null;
        this.failAll(new Error(`storage writer exited with code ${code}`));
        if (!this.stopped) this.restartLater();
      });
    });
  }

  get running(): boolean {
    return this.worker !== null;
  }

  /** A thread that died is started again; meanwhile frames are answered storageFailed. */
  private restartLater(): void {
    if (!this.failing) this.log.error('storage writer thread stopped; starting new ones every second until one works');
    this.failing = true;
    setTimeout(() => {
      if (this.stopped) return;
      this.start().catch((err: Error) => this.log.debug({ err: err.message }, 'storage writer could not start'));
    }, 1000).unref();
  }

  /** Resolves when the batch is committed (durable), rejects when it was rolled back. */
  async write(items: WriteItem[]): Promise<void> {
    // JSON crosses threads at about twice the speed of structured cloning these small objects.
    await this.send((id) => ({ op: 'write', id, items: JSON.stringify(items) }));
  }

  /**
   * Stores a batch of alert transitions in one transaction, between group commits; resolves false when its
   * fence (the alerts lease) was lost and nothing was written.
   */
  async writeAlerts(write: AlertWrite): Promise<boolean> {
    return !(await this.send((id) => ({ op: 'alerts', id, write: JSON.stringify(write) })));
  }

  /** Resolves with whether the thread found the batch fenced out. */
  private send(message: (id: number) => ToWriter): Promise<boolean> {
    const worker = this.worker;
    if (!worker) return Promise.reject(new Error('storage writer is not running'));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = Number.isFinite(this.commitTimeoutMs)
        ? setTimeout(() => this.timedOut(id, worker), this.commitTimeoutMs)
        : null;
      timer?.unref();
      this.pending.set(id, {
        resolve: (fenced) => {
          if (timer) clearTimeout(timer);
          resolve(fenced);
        },
        reject: (err) => {
          if (timer) clearTimeout(timer);
          reject(err);
        },
      });
      worker.postMessage(message(id));
    });
  }

  private timedOut(id: number, worker: Worker): void {
    const p = this.settle(id);
    if (!p) return;
    const err = new Error(`commit not answered within ${this.commitTimeoutMs} ms`);
    p.reject(err);
    if (!this.failing) this.log.error({ err: err.message }, 'storage did not answer a commit; its frames get storageFailed');
    // PostgreSQL: the connection hangs (a partition); a new thread with a new connection replaces it.
    // SQLite has no network to wait on: its thread goes on and later commits are answered as they land.
    if (this.options.provider === 'postgres' && this.worker === worker) {
      this.failing = true;
      this.failAll(err);
      void worker.terminate();
    }
  }

  /** Lets queued batches finish, closes the connection, ends the thread. */
  async close(): Promise<void> {
    this.stopped = true;
    const worker = this.worker;
    if (!worker) return;
    await new Promise<void>((resolve) => {
      this.closing = resolve;
      worker.postMessage({ op: 'close' } satisfies ToWriter);
      // A thread stuck on a database that does not answer is not waited for beyond a commit timeout.
      if (Number.isFinite(this.commitTimeoutMs)) setTimeout(resolve, this.commitTimeoutMs).unref();
    });
    await worker.terminate();
    this.worker = null;
  }

  private settle(id: number) {
    const p = this.pending.get(id);
    this.pending.delete(id);
    return p;
  }

  private failAll(err: Error) {
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }
}
