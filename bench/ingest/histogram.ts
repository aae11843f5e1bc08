/** Latency histogram with 0.1 ms buckets up to 30 s: mergeable across processes by adding counts. */
export class Histogram {
  static readonly resolutionMs = 0.1;
  readonly counts: Uint32Array;

  constructor(counts?: ArrayLike<number>) {
    this.counts = new Uint32Array(300_000);
    if (counts) this.counts.set(counts);
  }

  record(ms: number): void {
    const i = Math.min(this.counts.length - 1, Math.max(0, Math.round(ms / Histogram.resolutionMs)));
    this.counts[i] = (this.counts[i] ?? 0) + 1;
  }

  add(other: Histogram): void {
    for (let i = 0; i < this.counts.length; i++) this.counts[i] = (this.counts[i] ?? 0) + (other.counts[i] ?? 0);
  }

  get total(): number {
    let n = 0;
    for (const c of this.counts) n += c;
    return n;
  }

  percentile(p: number): number {
    const target = Math.ceil((p / 100) * this.total);
    let seen = 0;
    for (let i = 0; i < this.counts.length; i++) {
      seen += this.counts[i] ?? 0;
      if (seen >= target && seen > 0) return i * Histogram.resolutionMs;
    }
    return Number.NaN;
  }

  /** Sparse form for IPC: [index, count] pairs. */
  toSparse(): Array<[number, number]> {
    const out: Array<[number, number]> = [];
    this.counts.forEach((c, i) => {
      if (c > 0) out.push([i, c]);
    });
    return out;
  }

  static fromSparse(pairs: Array<[number, number]>): Histogram {
    const h = new Histogram();
    for (const [i, c] of pairs) h.counts[i] = c;
    return h;
  }
}
