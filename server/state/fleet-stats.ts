import { BadInputError } from '../errors.ts';
import type { DeviceState } from './fleet.ts';

/** Bounds of fleetStats (docs/fleet.md). */
export const STATS_LIMITS = { maxNames: 20, maxBuckets: 100, maxList: 50 } as const;

/** Now-values of one parameter over a set of devices (numbers only). */
export interface ParameterStats {
  name: string;
  /** Devices with a number for it. */
  devices: number;
  sum: number | null;
  avg: number | null;
  min: number | null;
  max: number | null;
}

export interface HistogramBucket {
  /** Inclusive lower edge. */
  from: number;
  /** Exclusive upper edge (inclusive for the last bucket). */
  to: number;
  count: number;
}

export interface Histogram {
  name: string;
  min: number | null;
  max: number | null;
  buckets: HistogramBucket[];
}

export interface Outlier {
  device: DeviceState;
  value: number;
  /** How many standard deviations from the mean of the set. */
  deviation: number;
}

const numberOf = (d: DeviceState, name: string): number | null => {
  const v = d.params[name];
  return typeof v === 'number' ? v : null;
};

export function parameterStats(devices: readonly DeviceState[], name: string): ParameterStats {
  let n = 0;
  let sum = 0;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const d of devices) {
    const v = numberOf(d, name);
    if (v === null) continue;
    n++;
    sum += v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return n === 0
    ? { name, devices: 0, sum: null, avg: null, min: null, max: null }
    : { name, devices: n, sum, avg: sum / n, min, max };
}

/** Equal-width buckets from the least to the greatest value. */
export function histogram(devices: readonly DeviceState[], name: string, buckets: number): Histogram {
  if (!Number.isInteger(buckets) || buckets < 1 || buckets > STATS_LIMITS.maxBuckets)
    throw new BadInputError(`buckets must be from 1 to ${STATS_LIMITS.maxBuckets}`);
  const { min, max } = parameterStats(devices, name);
  if (min === null || max === null) return { name, min, max, buckets: [] };
  const width = max > min ? (max - min) / buckets : 1;
  const count = max > min ? buckets : 1;
  const out: HistogramBucket[] = Array.from({ length: count }, (_, i) => ({
    from: min + i * width,
    to: i === count - 1 ? max : min + (i + 1) * width,
    count: 0,
  }));
  for (const d of devices) {
    const v = numberOf(d, name);
    if (v === null) continue;
    const i = Math.min(count - 1, Math.floor((v - min) / width));
    (out[i] as HistogramBucket).count++;
  }
  return { name, min, max, buckets: out };
}

/** Devices furthest from the set's mean, in standard deviations (at least `minDeviation`). */
export function outliers(devices: readonly DeviceState[], name: string, limit: number, minDeviation = 2): Outlier[] {
  let n = 0;
  let mean = 0;
  let m2 = 0;
  for (const d of devices) {
    const v = numberOf(d, name);
    if (v === null) continue;
    n++;
    const delta = v - mean;
    mean += delta / n;
    m2 += delta * (v - mean);
  }
  const sd = n > 1 ? Math.sqrt(m2 / n) : 0;
  if (sd === 0) return [];
  const found: Outlier[] = [];
  for (const d of devices) {
    const v = numberOf(d, name);
    if (v === null) continue;
    const deviation = (v - mean) / sd;
    if (Math.abs(deviation) >= minDeviation) found.push({ device: d, value: v, deviation });
  }
  return found.sort((a, b) => Math.abs(b.deviation) - Math.abs(a.deviation)).slice(0, limit);
}

/** Offline devices, longest silent first (never seen: by when they were registered). */
export function offlineLongest(devices: readonly DeviceState[], limit: number): DeviceState[] {
  const offline = devices.filter((d) => !d.online);
  const since = (d: DeviceState) => d.lastSeen ?? d.createdAt;
  return offline.sort((a, b) => since(a) - since(b) || (a.serial < b.serial ? -1 : 1)).slice(0, limit);
}
