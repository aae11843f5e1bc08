import type { Scalar } from '../../protocol/values.ts';
import type { Values } from './collectors.ts';

export interface ReportRule {
  /** A parameter is reported at most this often (the newest value when it is due). */
  intervalSeconds?: number;
  /** A number that moved less than this since it was last reported is not reported. */
  deadband?: number;
}

/**
 * Decides what of each sample is worth sending: a value that changed, beyond its deadband, and not
 * sooner than its interval. The device library then sends only what differs from what the server has.
 */
export class ReportFilter {
  private readonly last = new Map<string, { value: Scalar; at: number }>();

  constructor(private readonly rules: Readonly<Record<string, ReportRule>>) {}

  pick(sample: Values, now = Date.now()): Values {
    const out: Values = {};
    for (const [name, value] of Object.entries(sample)) {
      const rule = this.rules[name] ?? {};
      const prev = this.last.get(name);
      if (prev) {
        if (prev.value === value) continue;
        if (rule.intervalSeconds !== undefined && now - prev.at < rule.intervalSeconds * 1000) continue;
        if (
          rule.deadband !== undefined &&
          typeof value === 'number' &&
          typeof prev.value === 'number' &&
          Math.abs(value - prev.value) < rule.deadband
        )
          continue;
      }
      this.last.set(name, { value, at: now });
      out[name] = value;
    }
    return out;
  }
}

/** Runs `sample` now and then every `seconds`, handing what it returns on; errors go to `onError`. */
export function every(
  seconds: number,
  sample: () => Values | Promise<Values>,
  onValues: (v: Values) => void,
  onError: (e: Error) => void,
): () => void {
  let stopped = false;
  const tick = async () => {
    try {
      const values = await sample();
      if (!stopped) onValues(values);
    } catch (err) {
      onError(err as Error);
    }
  };
  void tick();
  const timer = setInterval(() => void tick(), seconds * 1000);
  return () => {
    stopped = true;
    clearInterval(timer);
  };
}
