// The standalone agent's offline buffer: observations made while the server cannot be reached, on disk
// (one JSON line each), so they outlive a restart of the agent and are sent later with their time. Bounded:
// beyond `maxBytes` the oldest are dropped (counted and logged), never the newest. How many lines at the
// file's head are done (sent, or dropped) is kept in `<file>.done`, so a restart never sends them again;
// the file is compacted once a thousand are done.
import { appendFileSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Observation, ObservationBuffer } from '../observations.ts';

export class DiskObservations implements ObservationBuffer {
  private items: Array<{ observation: Observation; bytes: number }> = [];
  private bytes = 0;
  /** Observations dropped because the buffer was full (since start). */
  dropped = 0;
  /** Lines at the head of the file that are done (acknowledged or dropped): rewritten away once they add up. */
  private stale = 0;

  constructor(
    private readonly file: string,
    private readonly maxBytes: number,
    private readonly log: (line: string) => void = () => {},
  ) {
    mkdirSync(dirname(file), { recursive: true });
    if (!existsSync(file)) return;
    let done = Number(existsSync(`${file}.done`) ? readFileSync(`${file}.done`, 'utf8') : 0) || 0;
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      if (!line) continue;
      if (done > 0) {
        done--;
        continue;
      }
      try {
        const o = JSON.parse(line) as Observation;
        if (typeof o.at === 'number' && typeof o.values === 'object' && o.values !== null) this.keep(o, line.length + 1);
      } catch {
        // A line cut by a crash mid-write: the rest is still good.
      }
    }
    this.rewrite();
  }

  private keep(observation: Observation, bytes: number): void {
    this.items.push({ observation, bytes });
    this.bytes += bytes;
    let dropped = 0;
    while (this.bytes > this.maxBytes && this.items.length > 1) {
      this.bytes -= (this.items.shift() as { bytes: number }).bytes;
      dropped++;
    }
    if (dropped > 0) {
      if (this.dropped === 0) this.log(`offline buffer full (${this.maxBytes} bytes): dropping the oldest observations`);
      this.dropped += dropped;
      this.stale += dropped;
      this.markDone();
    }
  }

  push(observation: Observation): void {
    const line = `${JSON.stringify(observation)}\n`;
    this.keep(observation, line.length);
    appendFileSync(this.file, line);
    if (this.stale > 1000) this.rewrite();
  }

  first(): Observation | undefined {
    return this.items[0]?.observation;
  }

  shift(): void {
    const gone = this.items.shift();
    if (!gone) return;
    this.bytes -= gone.bytes;
    this.stale++;
    if (this.items.length === 0 || this.stale > 1000) this.rewrite();
    else this.markDone();
  }

  private markDone(): void {
    writeFileSync(`${this.file}.done`, String(this.stale));
  }

  get size(): number {
    return this.items.length;
  }

  /** The file holds exactly what is left (written aside, then renamed over it). */
  private rewrite(): void {
    const fresh = `${this.file}.new`;
    writeFileSync(fresh, this.items.map((i) => `${JSON.stringify(i.observation)}\n`).join(''));
    renameSync(fresh, this.file);
    this.stale = 0;
    this.markDone();
  }
}
