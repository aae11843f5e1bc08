// Values observed while the server cannot be reached, kept to be sent later with their observation time
// (protocol v2 frames carry it as "at"). The device library keeps the order; where they are kept is the
// buffer's business (the standalone agent keeps them on disk: agent/standalone/offline-buffer.ts).
import type { Scalar } from '../protocol/values.ts';

export interface Observation {
  /** When the values were observed, ms since the epoch. */
  at: number;
  values: Record<string, Scalar>;
}

/** A bounded first-in-first-out store of observations. */
export interface ObservationBuffer {
  push(observation: Observation): void;
  /** The oldest observation not yet acknowledged, if any. */
  first(): Observation | undefined;
  /** Drops the oldest (it was acknowledged, or refused for good). */
  shift(): void;
  readonly size: number;
}

/** An in-memory buffer of at most `max` observations (the oldest go first when it is full). */
export class MemoryObservations implements ObservationBuffer {
  private readonly items: Observation[] = [];
  dropped = 0;
  constructor(private readonly max = 10_000) {}
  push(observation: Observation): void {
    this.items.push(observation);
    if (this.items.length > this.max) {
      this.items.shift();
      this.dropped++;
    }
  }
  first(): Observation | undefined {
    return this.items[0];
  }
  shift(): void {
    this.items.shift();
  }
  get size(): number {
    return this.items.length;
  }
}
