/** Collects items and hands them over once per turn of the event loop, however many came in that turn. */
export class TurnBatch<T> {
  private items: T[] = [];
  private scheduled = false;

  constructor(private readonly flush: (items: T[]) => void) {}

  push(item: T): void {
    this.items.push(item);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      const items = this.items;
      this.items = [];
      if (items.length > 0) this.flush(items);
    });
  }

  /** Drops what is waiting (its receiver is gone). */
  clear(): void {
    this.items = [];
  }
}
