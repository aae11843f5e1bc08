import DataLoader from 'dataloader';
import { BadInputError } from '../errors.ts';
import { ROLLUP_WIDTH, type RollupTable } from '../storage/tables.ts';
import { bucketOf, bucketRaw, bucketRollups, type Point, rawPoints } from './aggregate.ts';
import { type HistorySource, type Pair, pairKey } from './rows.ts';

/** One trend: a device's parameter over [since, until), raw or in buckets of bucketMs. */
export interface HistoryQuery {
  serial: string;
  name: string;
  /** Numbers have rollups; strings and booleans are read raw. */
  numeric: boolean;
  since: number;
  until: number;
  /** null: raw points when few, else a bucket the server picks. */
  bucketMs: number | null;
}

export interface HistoryLimits {
  /** Raw points returned without buckets at most; beyond, the server picks a bucket giving about this many. */
  maxPoints: number;
  /** Buckets one trend may ask for. */
  maxBuckets: number;
  /** Raw values read to build buckets narrower than a minute. */
  maxRawRows: number;
}

export const DEFAULT_HISTORY_LIMITS: HistoryLimits = { maxPoints: 1000, maxBuckets: 100_000, maxRawRows: 2_000_000 };

const S = 1000;
const M = 60 * S;
const H = 60 * M;
/** Bucket widths the server picks from: round numbers people read on an axis. */
export const NICE_BUCKETS = [
  S,
  5 * S,
  10 * S,
  15 * S,
  30 * S,
  M,
  2 * M,
  5 * M,
  10 * M,
  15 * M,
  30 * M,
  H,
  2 * H,
  3 * H,
  6 * H,
  12 * H,
  24 * H,
  7 * 24 * H,
];

export function chooseBucket(rangeMs: number, maxPoints: number): number {
  return NICE_BUCKETS.find((b) => rangeMs / b <= maxPoints) ?? (NICE_BUCKETS.at(-1) as number);
}

/** Buckets of whole hours read hour rollups, of whole minutes minute rollups; anything narrower, raw values. */
export function sourceFor(bucketMs: number, numeric: boolean): 'raw' | RollupTable {
  if (!numeric) return 'raw';
  if (bucketMs % H === 0) return 'rollup_hour';
  if (bucketMs % M === 0) return 'rollup_minute';
  return 'raw';
}

/**
 * Reads trends, batched: every trend asked for in one tick (several devices, several parameters) costs
 * one read per kind of source, not one per trend.
 */
export class HistoryService {
  private readonly pairs = new Map<string, Pair>();

  constructor(
    private readonly source: HistorySource,
    private readonly limits: HistoryLimits = DEFAULT_HISTORY_LIMITS,
  ) {}

  /** A loader for one request: it batches and caches only within that request. */
  /** One request's loader: its series are read together, and at most `maxSeries` of them. */
  loader(maxSeries = Number.POSITIVE_INFINITY): DataLoader<HistoryQuery, Point[], string> {
    let series = 0;
    return new DataLoader(
      async (queries) => {
        series += queries.length;
        if (series > maxSeries) {
          const refused = new BadInputError(
            `at most ${maxSeries} history series per request: ask for fewer devices or parameters`,
          );
          return queries.map(() => refused);
        }
        return this.batch(queries);
      },
      { cacheKeyFn: (q) => JSON.stringify(q) },
    );
  }

  /** The ids behind a serial and a parameter name (cached once known; ids never change). */
  async pair(serial: string, name: string): Promise<Pair | null> {
    const key = `${serial}\u0000${name}`;
    const known = this.pairs.get(key);
    if (known) return known;
    const found = await this.source.pair(serial, name);
    if (found && this.pairs.size < 1_000_000) this.pairs.set(key, found);
    return found;
  }

  validate(q: HistoryQuery): void {
    if (!Number.isFinite(q.since) || !Number.isFinite(q.until)) throw new BadInputError('since and until must be valid times');
    if (q.until < q.since) throw new BadInputError('until is before since');
    if (q.bucketMs === null) return;
    if (!Number.isInteger(q.bucketMs / S) || q.bucketMs < S)
      throw new BadInputError('bucketSeconds must be a whole number of seconds, at least 1');
    if ((q.until - q.since) / q.bucketMs > this.limits.maxBuckets) {
      throw new BadInputError(`at most ${this.limits.maxBuckets} buckets: widen bucketSeconds or narrow the range`);
    }
  }

  private async batch(queries: readonly HistoryQuery[]): Promise<Array<Point[] | Error>> {
    const results: Array<Point[] | Error> = new Array(queries.length);
    const pending: Array<{ index: number; pair: Pair; q: HistoryQuery }> = [];
    await Promise.all(
      queries.map(async (q, index) => {
        try {
          this.validate(q);
          const pair = await this.pair(q.serial, q.name);
          if (!pair || q.until === q.since) results[index] = [];
          else pending.push({ index, pair, q });
        } catch (err) {
          results[index] = err as Error;
        }
      }),
    );
    // Trends without a bucket: raw when few, else the bucket that gives about maxPoints.
    const auto = pending.filter((p) => p.q.bucketMs === null);
    const explicit = pending.filter((p) => p.q.bucketMs !== null);
    for (const group of groupBy(auto, (p) => `${p.q.since}:${p.q.until}`)) {
      const { since, until } = (group[0] as (typeof group)[number]).q;
      const raw = await this.source.raw(
        group.map((p) => p.pair),
        since,
        until,
        this.limits.maxPoints + 1,
      );
      for (const p of group) {
        const rows = raw.get(pairKey(p.pair)) ?? [];
        if (rows.length <= this.limits.maxPoints) results[p.index] = rawPoints(rows);
        else explicit.push({ ...p, q: { ...p.q, bucketMs: chooseBucket(until - since, this.limits.maxPoints) } });
      }
    }
    for (const group of groupBy(
      explicit,
      (p) => `${p.q.since}:${p.q.until}:${p.q.bucketMs}:${sourceFor(p.q.bucketMs as number, p.q.numeric)}`,
    )) {
      const q = group[0]?.q as HistoryQuery;
      const width = q.bucketMs as number;
      const source = sourceFor(width, q.numeric);
      const pairs = group.map((p) => p.pair);
      try {
        if (source === 'raw') {
          const raw = await this.source.raw(pairs, q.since, q.until, this.limits.maxRawRows + 1);
          for (const p of group) {
            const rows = raw.get(pairKey(p.pair)) ?? [];
            results[p.index] =
              rows.length > this.limits.maxRawRows
                ? new BadInputError('too many raw values for buckets under a minute: narrow the range or widen the bucket')
                : bucketRaw(rows, width);
          }
        } else {
          // Rollups hold whole minutes or hours: the range widens to them.
          const unit = ROLLUP_WIDTH[source];
          const from = bucketOf(q.since, unit);
          const to = bucketOf(q.until + unit - 1, unit);
          const [rollups, log] = await Promise.all([
            this.source.rollups(source, pairs, from, to),
            this.source.logRows(pairs, from, to),
          ]);
          for (const p of group) {
            results[p.index] = bucketRollups(rollups.get(pairKey(p.pair)) ?? [], log.get(pairKey(p.pair)) ?? [], width);
          }
        }
      } catch (err) {
        for (const p of group) results[p.index] = err as Error;
      }
    }
    return results;
  }
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): T[][] {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const g = groups.get(k);
    if (g) g.push(item);
    else groups.set(k, [item]);
  }
  return [...groups.values()];
}
