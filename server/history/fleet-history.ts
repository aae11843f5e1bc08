import { BadInputError } from '../errors.ts';
import { GROUP_FIELD } from '../state/device-meta.ts';
import type { DeviceState } from '../state/fleet.ts';
import type { Quantity } from '../state/parameter-meta.ts';
import { getterFor } from '../state/query.ts';
import { ROLLUP_WIDTH, type RollupTable } from '../storage/tables.ts';
import { HOUR_MS, MINUTE_MS } from '../time.ts';
import { bucketOf } from './aggregate.ts';
import { chooseBucket, sourceFor } from './history-service.ts';
import type { HistorySource } from './rows.ts';
import { emptySeries, UnitCache, type UnitSeries } from './unit-cache.ts';

export const FLEET_AGGS = ['SUM', 'AVG', 'MIN', 'MAX', 'COUNT'] as const;
export type FleetAgg = (typeof FLEET_AGGS)[number];

/** Bounds of fleetHistory (docs/fleet.md). */
export const FLEET_LIMITS = {
  /** Series one grouped answer holds; smaller groups are summed into one more, `others`. */
  maxGroups: 20,
  /** Buckets per series. */
  maxBuckets: 10_000,
  /** Without bucketSeconds: a bucket giving about this many points. */
  autoPoints: 200,
} as const;

export interface FleetPoint {
  /** Where the bucket starts. */
  t: number;
  value: number | null;
  /** Devices with a value in the bucket. */
  devices: number;
}

export interface FleetSeries {
  /** The group's name (null: devices without one, or no grouping). */
  group: string | null;
  /** The smaller groups beyond the bound, summed together. */
  others: boolean;
  /** Devices in the series. */
  devices: number;
  points: FleetPoint[];
}

export interface FleetHistoryRequest {
  /** The devices the caller may see that match the filter. */
  devices: readonly DeviceState[];
  name: string;
  agg: FleetAgg;
  since: number;
  until: number;
  bucketMs: number | null;
  /** A field to group by (`meta:group`, `label:<key>`, or any parameter); null: one series. */
  groupBy: string | null;
  quantity: Quantity;
}

/** Which groups a device is in for a grouping field (a device is in each of its groups). */
function groupsOf(field: string): (d: DeviceState) => Array<string | null> {
  if (field === GROUP_FIELD) return (d) => (d.meta && d.meta.groups.length > 0 ? d.meta.groups : [null]);
  const get = getterFor(field);
  return (d) => {
    const v = get(d);
    return [v == null ? null : String(v)];
  };
}

/**
 * The bucket when none is asked for: about autoPoints of them, whole minutes; whole hours beyond 12 hours, so
 * a day of a large fleet reads 24 hour units per device, not 1,440 minute units.
 */
export function autoBucket(rangeMs: number): number {
  const nice = Math.max(MINUTE_MS, chooseBucket(rangeMs, FLEET_LIMITS.autoPoints));
  return rangeMs > 12 * HOUR_MS ? Math.ceil(nice / HOUR_MS) * HOUR_MS : nice;
}

/** A unit is closed (never changes again) this long after it ended: group commits and log moves are done by then. */
export const SETTLE_MS = 5 * MINUTE_MS;

interface Member {
  serial: string;
  groups: number[];
}

/**
 * Fleet-wide series of one parameter from the rollups: per bucket, each device's value (its mean; for a
 * counter its last), then summed, averaged, or the least and greatest value over the devices, or the
 * count of values. Devices are chosen in memory (scope and filter). Closed rollup units are kept in a
 * bounded cache (unit-cache.ts), so a chart over days reads the database for the open end and for what it
 * has not read before.
 */
export class FleetHistory {
  private readonly ids = new Map<string, number>();
  private readonly cache: UnitCache;

  constructor(
    private readonly source: HistorySource,
    cacheBytes: number,
    private readonly now: () => number = Date.now,
  ) {
    this.cache = new UnitCache(cacheBytes);
  }

  get cacheSize(): { entries: number; bytes: number } {
    return this.cache.size;
  }

  async series(req: FleetHistoryRequest): Promise<FleetSeries[]> {
    if (!Number.isFinite(req.since) || !Number.isFinite(req.until))
      throw new BadInputError('since and until must be valid times');
    if (req.until < req.since) throw new BadInputError('until is before since');
    if (req.quantity === 'IDENTIFIER' && req.agg !== 'COUNT')
      throw new BadInputError(`${req.name} is an identifier: only COUNT aggregates it`);
    const width = req.bucketMs ?? autoBucket(req.until - req.since);
    if (width < MINUTE_MS || width % MINUTE_MS !== 0)
      throw new BadInputError('fleetHistory reads the rollups: bucketSeconds must be whole minutes');
    if ((req.until - req.since) / width > FLEET_LIMITS.maxBuckets)
      throw new BadInputError(`at most ${FLEET_LIMITS.maxBuckets} buckets: widen bucketSeconds or narrow the range`);

    const { series, members } = groupDevices(req);
    const paramId = await this.source.paramId(req.name);
    if (paramId === null || members.length === 0 || req.until === req.since) return series;
    const ids = await this.idsOf(members.map((m) => m.serial));

    // Whole buckets; units before `closed` come from the cache, the rest from the database each time.
    const table = sourceFor(width, true) as RollupTable;
    const unit = ROLLUP_WIDTH[table];
    const from = bucketOf(req.since, width);
    const to = bucketOf(req.until + width - 1, width);
    const closed = Math.max(from, Math.min(to, bucketOf(this.now() - SETTLE_MS, unit)));
    const known = members.filter((m) => ids.has(m.serial)).map((m) => ({ ...m, id: ids.get(m.serial) as number }));
    const deviceIds = known.map((m) => m.id);
    const cached = await this.closedUnits(table, paramId, deviceIds, from, closed, unit);
    const open = closed < to ? await this.read(table, paramId, deviceIds, closed, to, unit) : new Map<number, UnitSeries>();

    const nb = (to - from) / width;
    const totals = series.map(() => emptyTotals(nb));
    const counter = req.quantity === 'COUNTER';
    const bucket: Summary = { sum: 0, count: 0, min: 0, max: 0, last: 0 };
    for (const m of known) {
      const parts = [cached.get(m.id), open.get(m.id)] as const;
      for (let b = 0; b < nb; b++) {
        if (!summarise(parts, closed, from + b * width, width, unit, bucket)) continue;
        // The device's value: its mean, or for a counter its last; the extremes of a counter are its values'.
        const v = counter ? bucket.last : bucket.sum / bucket.count;
        for (const g of m.groups)
          addDevice(totals[g] as Totals, b, v, bucket.count, counter ? v : bucket.min, counter ? v : bucket.max);
      }
    }
    series.forEach((s, g) => {
      const t = totals[g] as Totals;
      for (let b = 0; b < nb; b++) {
        const devices = t.devices[b] as number;
        if (devices === 0) continue;
        const row = {
          sum: t.sum[b] as number,
          devices,
          min: t.min[b] as number,
          max: t.max[b] as number,
          count: t.count[b] as number,
        };
        s.points.push({ t: from + b * width, value: aggregateOf(req.agg, row), devices });
      }
    });
    return series;
  }

  /** Each device's closed units over [from, to), from the cache, reading (and keeping) what it lacks. */
  private async closedUnits(
    table: RollupTable,
    paramId: number,
    deviceIds: number[],
    from: number,
    to: number,
    unit: number,
  ): Promise<Map<number, UnitSeries>> {
    const out = new Map<number, UnitSeries>();
    if (to <= from) return out;
    const missing: number[] = [];
    for (const id of deviceIds) {
      const hit = this.cache.get(table, paramId, id, from, to, unit);
      if (hit) out.set(id, hit);
      else missing.push(id);
    }
    if (missing.length === 0) return out;
    const read = await this.read(table, paramId, missing, from, to, unit);
    for (const [id, series] of read) {
      this.cache.set(table, paramId, id, series);
      out.set(id, series);
    }
    return out;
  }

  /** Units of [from, to) per device: the rollup rows and the log rows not moved yet, together. */
  private async read(
    table: RollupTable,
    paramId: number,
    deviceIds: number[],
    from: number,
    to: number,
    unit: number,
  ): Promise<Map<number, UnitSeries>> {
    const n = (to - from) / unit;
    const out = new Map<number, UnitSeries>();
    // Each unit's series with when its last value was taken: the newest of its rollup row and log rows wins.
    const entries = new Map<number, { s: UnitSeries; times: Float64Array }>();
    for (const id of deviceIds) {
      const e = { s: emptySeries(from, n), times: new Float64Array(n).fill(Number.NEGATIVE_INFINITY) };
      entries.set(id, e);
      out.set(id, e.s);
    }
    const add = (id: number, bucket: number, sum: number, count: number, min: number, max: number, last: number, at: number) => {
      const i = (bucketOf(bucket, unit) - from) / unit;
      const e = entries.get(id);
      if (!e || i < 0 || i >= n) return;
      const { s, times } = e;
      s.sum[i] = (s.sum[i] as number) + sum;
      s.count[i] = (s.count[i] as number) + count;
      if (min < (s.min[i] as number)) s.min[i] = min;
      if (max > (s.max[i] as number)) s.max[i] = max;
      if (at >= (times[i] as number)) {
        times[i] = at;
        s.last[i] = last;
      }
    };
    // Rollup rows are [deviceId, bucket, sum, count, min, max, last, lastT]; log rows [deviceId, t, num].
    const log = await this.source.fleetRead(table, paramId, deviceIds, from, to, (rows) => {
      // Indexes, not spread or destructuring: a cold read hands over a few hundred thousand rows.
      for (const r of rows)
        add(
          r[0] as number,
          r[1] as number,
          r[2] as number,
          r[3] as number,
          r[4] as number,
          r[5] as number,
          r[6] as number,
          r[7] as number,
        );
    });
    for (const [id, t, num] of log as Array<[number, number, number]>) add(id, t, num, 1, num, num, num, t);
    return out;
  }

  /** Database ids of serials, cached (a device's id never changes). */
  private async idsOf(serials: string[]): Promise<Map<string, number>> {
    const missing = [...new Set(serials.filter((s) => !this.ids.has(s)))];
    if (missing.length > 0) for (const [serial, id] of await this.source.deviceIds(missing)) this.ids.set(serial, id);
    return this.ids;
  }
}

/** One device's values in one bucket. */
interface Summary {
  sum: number;
  count: number;
  min: number;
  max: number;
  last: number;
}

/**
 * Sums up one device's units in [start, start + width) into `out` (units before `closed` from the cached part,
 * the rest from the open one); false when it had no value there.
 */
function summarise(
  parts: readonly [UnitSeries | undefined, UnitSeries | undefined],
  closed: number,
  start: number,
  width: number,
  unit: number,
  out: Summary,
): boolean {
  out.sum = 0;
  out.count = 0;
  out.min = Number.POSITIVE_INFINITY;
  out.max = Number.NEGATIVE_INFINITY;
  for (let t = start; t < start + width; t += unit) {
    const part = t < closed ? parts[0] : parts[1];
    if (!part) continue;
    const i = (t - part.start) / unit;
    if (i < 0 || i >= part.n) continue;
    const c = part.count[i] as number;
    if (c === 0) continue;
    out.sum += part.sum[i] as number;
    out.count += c;
    if ((part.min[i] as number) < out.min) out.min = part.min[i] as number;
    if ((part.max[i] as number) > out.max) out.max = part.max[i] as number;
    out.last = part.last[i] as number;
  }
  return out.count > 0;
}

/** A group's running totals per bucket, over its devices' values. */
interface Totals {
  sum: Float64Array;
  devices: Float64Array;
  min: Float64Array;
  max: Float64Array;
  count: Float64Array;
}

const emptyTotals = (n: number): Totals => ({
  sum: new Float64Array(n),
  devices: new Float64Array(n),
  min: new Float64Array(n).fill(Number.POSITIVE_INFINITY),
  max: new Float64Array(n).fill(Number.NEGATIVE_INFINITY),
  count: new Float64Array(n),
});

function addDevice(t: Totals, b: number, value: number, count: number, lo: number, hi: number): void {
  t.sum[b] = (t.sum[b] as number) + value;
  t.devices[b] = (t.devices[b] as number) + 1;
  t.count[b] = (t.count[b] as number) + count;
  if (lo < (t.min[b] as number)) t.min[b] = lo;
  if (hi > (t.max[b] as number)) t.max[b] = hi;
}

/** The series to answer (the largest maxGroups groups, the rest as one) and which of them each device is in. */
function groupDevices(req: FleetHistoryRequest): { series: FleetSeries[]; members: Member[] } {
  const of = req.groupBy ? groupsOf(req.groupBy) : () => [null];
  const byGroup = new Map<string | null, DeviceState[]>();
  for (const d of req.devices) {
    for (const g of of(d)) {
      const list = byGroup.get(g);
      if (list) list.push(d);
      else byGroup.set(g, [d]);
    }
  }
  // Not grouped: always the one series, even over no device.
  if (!req.groupBy && byGroup.size === 0) byGroup.set(null, []);
  const ranked = [...byGroup.entries()].sort((a, b) => b[1].length - a[1].length || String(a[0]).localeCompare(String(b[0])));
  const kept = ranked.slice(0, FLEET_LIMITS.maxGroups);
  const rest = ranked.slice(FLEET_LIMITS.maxGroups);
  const series: FleetSeries[] = kept.map(([group, devices]) => ({ group, others: false, devices: devices.length, points: [] }));
  const members = new Map<string, Member>();
  const join = (serial: string, g: number) => {
    const m = members.get(serial);
    if (!m) members.set(serial, { serial, groups: [g] });
    else if (!m.groups.includes(g)) m.groups.push(g);
  };
  kept.forEach(([, devices], g) => {
    for (const d of devices) join(d.serial, g);
  });
  if (rest.length > 0) {
    const others = new Set<string>();
    for (const [, devices] of rest) for (const d of devices) others.add(d.serial);
    series.push({ group: null, others: true, devices: others.size, points: [] });
    for (const serial of others) join(serial, series.length - 1);
  }
  return { series, members: [...members.values()] };
}

export interface BucketTotals {
  sum: number;
  devices: number;
  min: number;
  max: number;
  count: number;
}

export function aggregateOf(agg: FleetAgg, r: BucketTotals): number | null {
  switch (agg) {
    case 'SUM':
      return r.sum;
    case 'AVG':
      return r.devices > 0 ? r.sum / r.devices : null;
    case 'MIN':
      return r.min;
    case 'MAX':
      return r.max;
    case 'COUNT':
      return r.count;
  }
}
