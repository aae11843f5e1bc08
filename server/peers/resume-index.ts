/** Departures kept for resuming; more push the oldest out (and resumes from before it get a snapshot). */
export const MAX_DEPARTURES = 10_000;

/**
 * A resuming device's `since` is taken this much earlier: a change another instance committed reaches this
 * one a little later than it reached the device's previous instance (and clocks differ a little). Values
 * sent twice are harmless: the latest wins.
 */
export const RESUME_OVERLAP_MS = 5000;

interface Departure {
  at: number;
  serial: string;
  /** Its owner before it left (an owner change, or rejection). */
  owner: number | null;
}

/**
 * What this instance can tell about the past for resuming subscriptions: when each device last changed
 * (one number per device, so memory does not grow with the frame rate), and which devices changed owner or
 * were rejected (bounded). Times are this instance's clock, as are the `seq`s it writes.
 */
export class ResumeIndex {
  private readonly touched = new Map<string, number>();
  private readonly departures: Departure[] = [];
  private head = 0;
  /** The index can tell what changed since this time (its start, then the oldest departure it forgot). */
  private knownFrom: number;

  constructor(
    private readonly windowMs: number,
    now: number,
  ) {
    this.knownFrom = now;
  }

  touch(serial: string, at: number): void {
    this.touched.set(serial, at);
  }

  /** A device changed owner or was rejected: who owned it before. */
  depart(serial: string, owner: number | null, at: number, removed: boolean): void {
    if (removed) this.touched.delete(serial);
    else this.touched.set(serial, at);
    if (this.departures.length - this.head >= MAX_DEPARTURES) {
      this.knownFrom = Math.max(this.knownFrom, (this.departures[this.head] as Departure).at);
      this.head++;
      // Compact now and then rather than shifting on every departure.
      if (this.head > MAX_DEPARTURES) {
        this.departures.splice(0, this.head);
        this.head = 0;
      }
    }
    this.departures.push({ at, serial, owner });
  }

  /** Whether changes after `from` are all known (else the subscriber gets a snapshot). */
  canTell(from: number, now: number): boolean {
    return from >= this.knownFrom && from >= now - this.windowMs && from <= now + RESUME_OVERLAP_MS;
  }

  changedAfter(serial: string, from: number): boolean {
    return (this.touched.get(serial) ?? Number.NEGATIVE_INFINITY) > from;
  }

  /** Devices that changed after `from`, with the time. */
  *touchedAfter(from: number): Iterable<string> {
    for (const [serial, at] of this.touched) if (at > from) yield serial;
  }

  /** Serials that left `owner` after `from`. */
  *departedAfter(from: number, owner: number | null): Iterable<string> {
    for (let i = this.departures.length - 1; i >= this.head; i--) {
      const d = this.departures[i] as Departure;
      if (d.at <= from) break;
      if (d.owner === owner) yield d.serial;
    }
  }

  /** Forgets departures older than the window (called now and then). */
  prune(now: number): void {
    const oldest = now - this.windowMs;
    while (this.head < this.departures.length && (this.departures[this.head] as Departure).at < oldest) this.head++;
    if (this.head > 0 && this.head === this.departures.length) {
      this.departures.length = 0;
      this.head = 0;
    }
  }
}
