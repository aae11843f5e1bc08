import type { WriteItem } from './batch.ts';

export interface GroupCommitOptions {
  /** How long the first frame of a batch waits for others. */
  windowMs: number;
  maxItems: number;
  /** A result handler that threw: the chain goes on with the next result. */
  onHandlerError: (err: unknown) => void;
}

export interface CommitTarget {
  write(items: WriteItem[]): Promise<void>;
}

export interface CommitResult<T> {
  items: WriteItem[];
  tickets: T[];
  /** Null when committed. */
  error: Error | null;
  /** Commit time, ms. */
  took: number;
}

/**
 * Group commit: items arriving within a window go to storage in one transaction, one transaction
 * at a time; what arrives meanwhile forms the next batch. Each item carries an opaque ticket
 * (the ack to send) returned with the result, in order.
 */
export class GroupCommit<T> {
  private items: WriteItem[] = [];
  private tickets: T[] = [];
  private timer: NodeJS.Timeout | null = null;
  private inFlight: Promise<void> | null = null;
  /** Results are handled one after the other, in commit order, while later batches are committed. */
  private handled: Promise<void> = Promise.resolve();

  constructor(
    private readonly target: CommitTarget,
    private readonly options: GroupCommitOptions,
    /** Called in commit order; a returned promise holds back the next result, not the next commit. */
    private readonly onResult: (result: CommitResult<T>) => void | Promise<void>,
  ) {}

  get pending(): number {
    return this.items.length;
  }

  push(item: WriteItem, ticket: T): void {
    this.items.push(item);
    this.tickets.push(ticket);
    if (this.inFlight) return; // the next batch starts when this one lands
    if (this.items.length >= this.options.maxItems) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), this.options.windowMs);
  }

  /** Commits everything pending, now; resolves when nothing is pending, in flight or unhandled. */
  async drain(): Promise<void> {
    while (this.inFlight || this.items.length > 0) {
      if (!this.inFlight) this.flush();
      await this.inFlight;
    }
    await this.handled;
  }

  private flush(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.items.length === 0 || this.inFlight) return;
    const take = Math.min(this.items.length, this.options.maxItems);
    const items = this.items.length === take ? this.items : this.items.slice(0, take);
    const tickets = this.tickets.length === take ? this.tickets : this.tickets.slice(0, take);
    this.items = this.items.length === take ? [] : this.items.slice(take);
    this.tickets = this.tickets.length === take ? [] : this.tickets.slice(take);
    const started = performance.now();
    const settle = (error: Error | null) => {
      const result = { items, tickets, error, took: performance.now() - started };
      this.handled = this.handled.then(() => this.onResult(result)).catch(this.options.onHandlerError);
    };
    this.inFlight = this.target.write(items).then(
      () => settle(null),
      (error: Error) => settle(error),
    );
    void this.inFlight.finally(() => {
      this.inFlight = null;
      // What queued up meanwhile has already waited a whole commit: send it at once.
      if (this.items.length > 0) this.flush();
    });
  }
}
