import type { ExecutionRow } from './command-store.ts';

/**
 * Where every execution transition is told (subscriptions, job progress): those made here, which are also
 * sent to the other instances, and theirs.
 */
export class Transitions {
  private readonly listeners = new Set<(rows: ExecutionRow[]) => void>();
  private publish: ((rows: ExecutionRow[]) => void) | null = null;

  /** Sends transitions made here to the other instances too. */
  connect(publish: (rows: ExecutionRow[]) => void): void {
    this.publish = publish;
  }

  on(listener: (rows: ExecutionRow[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Transitions made on this instance. */
  emit(rows: ReadonlyArray<ExecutionRow | null>): void {
    const moved = rows.filter((r): r is ExecutionRow => r !== null);
    if (moved.length === 0) return;
    this.tell(moved);
    this.publish?.(moved);
  }

  /** Transitions another instance made. */
  received(rows: ExecutionRow[]): void {
    this.tell(rows);
  }

  private tell(rows: ExecutionRow[]): void {
    for (const l of this.listeners) l(rows);
  }
}
