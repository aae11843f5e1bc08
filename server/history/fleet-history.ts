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
    const cached = await this.closedUnits(
      table,
      paramId,
      known.map((m) => m.id),
      from,
      closed,
      unit,
    );
    const open =
      closed < to
        ? await this.read(
            table,
            paramId,
            known.map((m) => m.id),
            closed,
            to,
            unit,
          )
        : new Map<number, UnitSeries>();

    const nb = (to - from) / width;
    const acc = series.map(() => ({
      sum: new Float64Array(nb),
      devices: new Float64Array(nb),
      min: new Float64Array(nb).fill(Number.POSITIVE_INFINITY),
      max: new Float64Array(nb).fill(Number.NEGATIVE_INFINITY),
      count: new Float64Array(nb),
    }));
    const counter = req.quantity === 'COUNTER';
    const perBucket = width / unit;
    for (const m of known) {
      const parts = [cached.get(m.id), open.get(m.id)];
      for (let b = 0; b < nb; b++) {
        let sum = 0;
        let count = 0;
        let min = Number.POSITIVE_INFINITY;
        let max = Number.NEGATIVE_INFINITY;
        let last = 0;
        const start = from + b * width;
        for (let k = 0; k < perBucket; k++) {
          const t = start + k * unit;
          const part = t < closed ? parts[0] : parts[1];
          if (!part) continue;
          const i = (t - part.start) / unit;
          if (i < 0 || i >= part.n) continue;
          const c = part.count[i] as number;
          if (c === 0) continue;
          sum += part.sum[i] as number;
          count += c;
          if ((part.min[i] as number) < min) min = part.min[i] as number;
          if ((part.max[i] as number) > max) max = part.max[i] as number;
          last = part.last[i] as number;
        }
        if (count === 0) continue;
        const v = counter ? last : sum / count;
        for (const g of m.groups) {
          const a = acc[g] as (typeof acc)[number];
          a.sum[b] = (a.sum[b] as number) + v;
          a.devices[b] = (a.devices[b] as number) + 1;
          a.count[b] = (a.count[b] as number) + count;
          const lo = counter ? v : min;
          const hi = counter ? v : max;
          if (lo < (a.min[b] as number)) a.min[b] = lo;
          if (hi > (a.max[b] as number)) a.max[b] = hi;
        }
      }
    }
    series.forEach((s, g) => {
      const a = acc[g] as (typeof acc)[number];
      for (let b = 0; b < nb; b++) {
        const devices = a.devices[b] as number;
        if (devices === 0) continue;
        const row = {
          sum: a.sum[b] as number,
          devices,
          min: a.min[b] as number,
          max: a.max[b] as number,
          count: a.count[b] as number,
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
    const out = new Map<number, { s: UnitSeries; lastT: Float64Array }>();
    const of = (id: number) => {
      let e = out.get(id);
      if (!e) {
        e = { s: emptySeries(from, n), lastT: new Float64Array(n).fill(Number.NEGATIVE_INFINITY) };
        out.set(id, e);
      }
      return e;
    };
    for (const id of deviceIds) of(id);
    const add = (id: number, bucket: number, sum: number, count: number, min: number, max: number, last: number, at: number) => {
      const i = (bucketOf(bucket, unit) - from) / unit;
      if (i < 0 || i >= n) return;
      const { s, lastT } = of(id);
      s.sum[i] = (s.sum[i] as number) + sum;
      s.count[i] = (s.count[i] as number) + count;
      if (min < (s.min[i] as number)) s.min[i] = min;
      if (max > (s.max[i] as number)) s.max[i] = max;
      if (at >= (lastT[i] as number)) {
        lastT[i] = at;
        s.last[i] = last;
      }
    };
    const log = await this.source.fleetRead(table, paramId, deviceIds, from, to, (rows) => {
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
    for (const r of log)
      add(r[0] as number, r[1] as number, r[2] as number, 1, r[2] as number, r[2] as number, r[2] as number, r[1] as number);
    return new Map([...out].map(([id, e]) => [id, e.s]));
  }

  /** Database ids of serials, cached (a device's id never changes). */
  private async idsOf(serials: string[]): Promise<Map<string, number>> {
    const missing = [...new Set(serials.filter((s) => !this.ids.has(s)))];
    if (missing.length > 0) for (const [serial, id] of await this.source.deviceIds(missing)) this.ids.set(serial, id);
    return this.ids;
  }
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
