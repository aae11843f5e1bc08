/** One timer: a key (which alert and what for) due at a time, valid while its generation is the key's latest. */
interface Timer {
  at: number;
  key: string;
  gen: number;
}

/**
 * Every alert timer (pending, reminders, no data, flapping) in one min-heap under one setTimeout, not one timer
 * per device. Setting a key again replaces its timer (the old entry is skipped when it comes up).
 */
export class TimerHeap {
  private readonly heap: Timer[] = [];
  private readonly gens = new Map<string, number>();
  private timer: NodeJS.Timeout | null = null;
  private armedAt = Number.POSITIVE_INFINITY;
  private nextGen = 1;

  constructor(private readonly fire: (key: string, at: number) => void) {}

  set(key: string, at: number): void {
    const gen = this.nextGen++;
    this.gens.set(key, gen);
    this.push({ at, key, gen });
    // Replaced and cancelled timers stay until they come up (an hour, for a resolved alert's): when they are
    // most of the heap, it is rebuilt from the live ones, so its size follows the live timers.
    if (this.heap.length > 2 * this.gens.size + 64) this.compact();
    if (at < this.armedAt) this.arm();
  }

  /** Entries in the heap, live or stale (tests). */
  get entries(): number {
    return this.heap.length;
  }

  cancel(key: string): void {
    this.gens.delete(key);
  }

  has(key: string): boolean {
    return this.gens.has(key);
  }

  /** Fires what is due now (the timer calls it; tests and restarts may too). */
  run(now = Date.now()): void {
    while (this.heap.length > 0 && (this.heap[0] as Timer).at <= now) {
      const t = this.pop() as Timer;
      if (this.gens.get(t.key) !== t.gen) continue;
      this.gens.delete(t.key);
      this.fire(t.key, t.at);
    }
    this.arm();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.armedAt = Number.POSITIVE_INFINITY;
    this.heap.length = 0;
    this.gens.clear();
  }

  private arm(): void {
    // Drop stale entries at the top so the timer waits for a live one.
    while (this.heap.length > 0 && this.gens.get((this.heap[0] as Timer).key) !== (this.heap[0] as Timer).gen) this.pop();
    const next = this.heap[0]?.at ?? Number.POSITIVE_INFINITY;
    if (this.timer && next === this.armedAt) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.armedAt = next;
    if (next === Number.POSITIVE_INFINITY) return;
    // setTimeout holds at most about 24 days; an hour at a time is plenty.
    const delay = Math.min(3_600_000, Math.max(0, next - Date.now()));
    this.timer = setTimeout(() => {
      this.timer = null;
      this.armedAt = Number.POSITIVE_INFINITY;
      this.run();
    }, delay);
    this.timer.unref();
  }

  private compact(): void {
    const live = this.heap.filter((t) => this.gens.get(t.key) === t.gen);
    // A sorted array is a valid min-heap.
    live.sort((a, b) => a.at - b.at);
    this.heap.length = 0;
    this.heap.push(...live);
  }

  private push(t: Timer): void {
    const h = this.heap;
    h.push(t);
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if ((h[parent] as Timer).at <= t.at) break;
      h[i] = h[parent] as Timer;
      i = parent;
    }
    h[i] = t;
  }

  private pop(): Timer | undefined {
    const h = this.heap;
    const top = h[0];
    const last = h.pop();
    if (h.length === 0 || !last) return top;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      if (l >= h.length) break;
      const child = r < h.length && (h[r] as Timer).at < (h[l] as Timer).at ? r : l;
      if ((h[child] as Timer).at >= last.at) break;
      h[i] = h[child] as Timer;
      i = child;
    }
    h[i] = last;
    return top;
  }
}
