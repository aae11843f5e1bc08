import type { ExecutionRow } from './command-store.ts';

/** Where every execution transition made on this instance is told (subscriptions, job progress). */
export class Transitions {
  private readonly listeners = new Set<(rows: ExecutionRow[]) => void>();

  on(listener: (rows: ExecutionRow[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(rows: ReadonlyArray<ExecutionRow | null>): void {
    const moved = rows.filter((r): r is ExecutionRow => r !== null);
    if (moved.length > 0) for (const l of this.listeners) l(moved);
  }
}
