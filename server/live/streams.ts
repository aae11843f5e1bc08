import { PendingBatch, type UpdateBatch } from './update-batch.ts';

type Waiter<T> = (result: IteratorResult<T>) => void;

/** The async-iterator plumbing shared by the subscription streams; subclasses decide what is pending. */
abstract class Stream<T> implements AsyncIterableIterator<T> {
  protected waiter: Waiter<T> | null = null;
  protected ended = false;
  private failure: Error | null = null;

  constructor(private readonly onEnd: () => void) {}

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<T>> {
    if (this.failure) return Promise.reject(this.failure);
    const value = this.takeReady();
    if (value !== undefined) return Promise.resolve({ value, done: false });
    if (this.ended) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => {
      this.waiter = resolve;
    });
  }

  return(): Promise<IteratorResult<T>> {
    this.end();
    return Promise.resolve({ value: undefined, done: true });
  }

  /** Ends the stream; a reader waiting gets `done`. */
  end(error?: Error): void {
    if (this.ended) return;
    this.ended = true;
    if (error) this.failure = error;
    const waiter = this.waiter;
    this.waiter = null;
    this.onEnd();
    waiter?.({ value: undefined, done: true });
  }

  /** Hands a value to a waiting reader; false when nobody waits. */
  protected handOver(value: T): boolean {
    const waiter = this.waiter;
    if (!waiter) return false;
    this.waiter = null;
    waiter({ value, done: false });
    return true;
  }

  protected abstract takeReady(): T | undefined;
}

/**
 * One deviceUpdates subscriber. It is paced by its view's ticks (never two batches within one window);
 * batches it has not read by then are merged, so a slow reader costs memory bounded by the number of
 * devices and gets everything it missed in one batch.
 */
export class UpdateStream extends Stream<UpdateBatch> {
  private pending: PendingBatch | null = null;
  private lastDelivery = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly windowMs: number,
    onEnd: () => void,
  ) {
    super(onEnd);
  }

  /** A tick of the view at time `now`, with its new batch if any; true while something waits here. */
  tick(batch: UpdateBatch | null, now: number): boolean {
    if (this.ended) return false;
    const due = now - this.lastDelivery >= this.windowMs;
    if (batch && !this.pending && due && this.waiter) {
      this.lastDelivery = now;
      this.handOver(batch);
      return false;
    }
    if (batch) {
      this.pending ??= new PendingBatch();
      this.pending.merge(batch);
    }
    if (this.pending && due && this.waiter) {
      const merged = this.pending.take();
      this.pending = null;
      this.lastDelivery = now;
      this.handOver(merged);
    }
    return this.pending !== null;
  }

  protected takeReady(): UpdateBatch | undefined {
    const now = performance.now();
    if (!this.pending || now - this.lastDelivery < this.windowMs) return undefined;
    const batch = this.pending.take();
    this.pending = null;
    this.lastDelivery = now;
    return batch;
  }
}

/** One deviceChanged subscriber: every change, in order, up to a bound. */
export class QueueStream<T> extends Stream<T> {
  private readonly queue: T[] = [];

  constructor(
    private readonly maxQueued: number,
    onEnd: () => void,
  ) {
    super(onEnd);
  }

  deliver(value: T): void {
    if (this.ended || this.handOver(value)) return;
    if (this.queue.length >= this.maxQueued) {
      this.end(new Error(`subscriber fell more than ${this.maxQueued} changes behind`));
      return;
    }
    this.queue.push(value);
  }

  protected takeReady(): T | undefined {
    return this.queue.shift();
  }
}

/** A stream of states where only the newest matters: an unread one is replaced, never queued. */
export class LatestStream<T> extends Stream<T> {
  private latest: T | undefined;

  deliver(value: T): void {
    if (this.ended || this.handOver(value)) return;
    this.latest = value;
  }

  protected takeReady(): T | undefined {
    const value = this.latest;
    this.latest = undefined;
    return value;
  }
}
