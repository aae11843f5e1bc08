export interface BackoffOptions {
  /** The first delay's ceiling; the original devices waited 5 s. */
  minDelayMs: number;
  /** No delay grows past this. */
  maxDelayMs: number;
  /** A number in [0, 1); Math.random by default (tests pass their own). */
  random?: () => number;
}

/**
 * Capped exponential backoff with full jitter (as centrifuge-js does): attempt n waits a random time in
 * [0, min(max, min·2ⁿ)], so a fleet that lost its server does not come back all in the same instant.
 */
export function reconnectDelay(attempt: number, options: BackoffOptions): number {
  const ceiling = Math.min(options.maxDelayMs, options.minDelayMs * 2 ** Math.min(attempt, 30));
  return Math.floor((options.random ?? Math.random)() * ceiling);
}
