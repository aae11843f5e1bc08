import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Scalar } from '../protocol/values.ts';
import { parseConfig } from '../server/config.ts';
import {
  autoBucket,
  FLEET_LIMITS,
  type FleetAgg,
  FleetHistory,
  type FleetSeries,
  SETTLE_MS,
} from '../server/history/fleet-history.ts';
import { postgresHistory } from '../server/history/postgres-source.ts';
import type { HistorySource } from '../server/history/rows.ts';
import { sqliteHistory } from '../server/history/sqlite-source.ts';
import { createLogger } from '../server/logger.ts';
import { emptyMeta } from '../server/state/device-meta.ts';
import { type DeviceState, emptyParams } from '../server/state/fleet.ts';
import type { FrameWrite } from '../server/storage/batch.ts';
import { BatchWriter } from '../server/storage/batch-writer.ts';
import { type Db, openDatabase } from '../server/storage/database.ts';
import { postgresDialect } from '../server/storage/postgres-dialect.ts';
import { sqliteDialect } from '../server/storage/sqlite-dialect.ts';
import { sqliteFile } from '../server/storage/sqlite-url.ts';
import { providers } from './support/providers.ts';

const START = Date.parse('2024-03-17T09:00:00Z');
const HOUR = 3_600_000;
const DEVICES = 24;

function lcg(seed: number) {
  let s = seed;
  return () => {
    s = (s * 1_103_515_245 + 12_345) % 2 ** 31;
    return s / 2 ** 31;
  };
}

interface Sample {
  serial: string;
  t: number;
  power: number;
  energy: number;
}

/** Six hours of random samples of 24 devices at irregular times; each device's energy only grows. */
function samples(): Sample[] {
  const random = lcg(7);
  const out: Sample[] = [];
  for (let d = 0; d < DEVICES; d++) {
    const serial = `f${String(d).padStart(2, '0')}`;
    // Some devices start late or stop early: buckets where only some devices have values.
    let t = START + (d % 5 === 0 ? 2 * HOUR : 0) + Math.floor(random() * 60_000);
    const end = START + (d % 7 === 0 ? 4 * HOUR : 6 * HOUR);
    let energy = random() * 1000;
    while (t < end) {
      energy += random() * 5;
      out.push({ serial, t, power: Math.round(random() * 400000 - 100000) / 100, energy: Math.round(energy * 100) / 100 });
      t += 1 + Math.floor(random() * 240_000);
    }
  }
  return out;
}

/** Metadata of the devices: labels site=a|b|c, groups (some in two, some in none). */
function fleetDevices(): DeviceState[] {
  return Array.from({ length: DEVICES }, (_, d) => {
    const meta = emptyMeta();
    meta.labels.site = ['a', 'b', 'c'][d % 3] as string;
    meta.labels.unique = `u${d}`;
    if (d % 4 === 0) meta.groups.push('north');
    if (d % 2 === 0) meta.groups.push('pilot');
    meta.groups.sort();
    return {
      serial: `f${String(d).padStart(2, '0')}`,
      createdAt: START,
      lastSeen: null,
      online: true,
      instance: null,
      ownerId: null,
      params: emptyParams(),
      paramCount: 0,
      meta,
    };
  });
}

interface Expected {
  t: number;
  value: number | null;
  devices: number;
}

/** The obvious computation, from every raw value. */
function brute(
  all: Sample[],
  serials: Set<string>,
  name: 'power' | 'energy',
  agg: FleetAgg,
  since: number,
  until: number,
  width: number,
): Expected[] {
  const from = Math.floor(since / width) * width;
  const to = Math.ceil(until / width) * width;
  const counter = name === 'energy';
  const byBucket = new Map<number, Map<string, Sample[]>>();
  for (const s of all) {
    if (!serials.has(s.serial) || s.t < from || s.t >= to) continue;
    const b = Math.floor(s.t / width) * width;
    const devices = byBucket.get(b) ?? new Map<string, Sample[]>();
    byBucket.set(b, devices);
    devices.set(s.serial, [...(devices.get(s.serial) ?? []), s]);
  }
  return [...byBucket.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([t, devices]) => {
      const values: number[] = [];
      const raw: number[] = [];
      for (const list of devices.values()) {
        const nums = list.map((s) => s[name]);
        raw.push(...nums);
        const lastSample = list.reduce((a, b) => (b.t > a.t ? b : a));
        values.push(counter ? lastSample[name] : nums.reduce((a, b) => a + b, 0) / nums.length);
      }
      const sum = values.reduce((a, b) => a + b, 0);
      const pool = counter ? values : raw;
      const value =
        agg === 'SUM'
          ? sum
          : agg === 'AVG'
            ? sum / values.length
            : agg === 'MIN'
              ? Math.min(...pool)
              : agg === 'MAX'
                ? Math.max(...pool)
                : raw.length;
      return { t, value, devices: values.length };
    });
}

function expectSeries(got: FleetSeries, want: Expected[]): void {
  expect(got.points.map((p) => p.t)).toEqual(want.map((p) => p.t));
  expect(got.points.map((p) => p.devices)).toEqual(want.map((p) => p.devices));
  for (const [i, p] of got.points.entries()) expect(p.value).toBeCloseTo(want[i]?.value as number, 6);
}

describe('fleetHistory buckets', () => {
  it('picks about 200 whole-minute buckets, whole hours beyond 12 hours', () => {
    expect(autoBucket(HOUR)).toBe(60_000);
    expect(autoBucket(12 * HOUR)).toBe(5 * 60_000);
    expect(autoBucket(24 * HOUR)).toBe(HOUR);
    expect(autoBucket(7 * 24 * HOUR)).toBe(HOUR);
    expect(autoBucket(30 * 24 * HOUR)).toBe(6 * HOUR);
  });
});

for (const provider of await providers()) {
  describe.skipIf(!provider.available)(`fleetHistory on ${provider.name}`, () => {
    const all = samples();
    const devices = fleetDevices();
    let database: { url: string; drop(): Promise<void> };
    let db: Db;
    let writer: BatchWriter;
    let source: HistorySource;
    let reads = 0;
    // Now is 5.5 h in: most units closed (cached), the last ones open (read each time), the last hour in the log.
    const now = START + 5.5 * HOUR;

    beforeAll(async () => {
      database = await provider.create();
      db = await openDatabase(parseConfig({ databaseUrl: database.url, dataDir: '/tmp' }), createLogger('silent', false));
      const dialect =
        provider.name === 'sqlite' ? sqliteDialect(sqliteFile(database.url), 'FULL') : await postgresDialect(database.url);
      writer = new BatchWriter(dialect, 'f', { rows: 1e9, ms: 1e9 });
      await writer.open();
      const sorted = [...all].sort((a, b) => a.t - b.t);
      const frames = (list: Sample[]): FrameWrite[] =>
        list.map((s) => ({
          serial: s.serial,
          t: s.t,
          values: [['power', s.power] as [string, Scalar], ['energy', s.energy] as [string, Scalar]],
        }));
      const cut = START + 5 * HOUR;
      for (let i = 0; i < sorted.length; i += 500) await writer.write(frames(sorted.slice(i, i + 500).filter((s) => s.t < cut)));
      await writer.compactAll();
      await writer.write(frames(sorted.filter((s) => s.t >= cut)));
      const real = provider.name === 'sqlite' ? sqliteHistory(sqliteFile(database.url)) : postgresHistory(database.url);
      source = {
        ...real,
        fleetRead: (...a) => {
          reads++;
          return real.fleetRead(...a);
        },
      };
    });
    afterAll(async () => {
      await writer?.close();
      await source?.close();
      await db?.$disconnect();
      await database?.drop();
    });

    const request = (over: Partial<Parameters<FleetHistory['series']>[0]>) => ({
      devices,
      name: 'power',
      agg: 'SUM' as FleetAgg,
      since: START,
      until: START + 6 * HOUR,
      bucketMs: HOUR,
      groupBy: null,
      quantity: 'MEASUREMENT' as const,
      ...over,
    });
    const everyone = new Set(devices.map((d) => d.serial));

    it('equals the obvious computation for every aggregate, measurement and counter, minute and hour rollups and the log', async () => {
      const fleet = new FleetHistory(source, 64 * 1024 * 1024, () => now);
      for (const [width, since, until] of [
        [HOUR, START, START + 6 * HOUR],
        [60_000, START + 4.5 * HOUR, START + 5.8 * HOUR], // across the closed edge and into the log
        [15 * 60_000, START + 0.2 * HOUR, START + 6 * HOUR],
        [2 * HOUR, START, START + 6 * HOUR],
      ] as const) {
        for (const agg of ['SUM', 'AVG', 'MIN', 'MAX', 'COUNT'] as const) {
          for (const name of ['power', 'energy'] as const) {
            const quantity = name === 'energy' ? 'COUNTER' : 'MEASUREMENT';
            const [series] = await fleet.series(request({ name, agg, since, until, bucketMs: width, quantity }));
            expect(series?.devices).toBe(DEVICES);
            expectSeries(series as FleetSeries, brute(all, everyone, name, agg, since, until, width));
          }
        }
      }
    });

    it('answers the same from its cache, and reads closed units once', async () => {
      const fleet = new FleetHistory(source, 64 * 1024 * 1024, () => now);
      const uncached = new FleetHistory(source, 0, () => now);
      const first = await fleet.series(request({}));
      const before = reads;
      const second = await fleet.series(request({}));
      // The second read only asks the database for the open end (one read of the rollups).
      expect(reads - before).toBe(1);
      expect(second).toEqual(first);
      expect(await uncached.series(request({}))).toEqual(first);
      expect(fleet.cacheSize.entries).toBe(DEVICES);
      // Closed: everything before now - SETTLE_MS, in whole hours.
      expect(Math.floor((now - SETTLE_MS) / HOUR) * HOUR).toBeLessThan(now);
    });

    it('groups by a label, by groups (a device in each of its groups), and bounds the number of series', async () => {
      const fleet = new FleetHistory(source, 64 * 1024 * 1024, () => now);
      const bySite = await fleet.series(request({ groupBy: 'label:site' }));
      expect(bySite.map((s) => s.group).sort()).toEqual(['a', 'b', 'c']);
      for (const s of bySite) {
        const members = new Set(devices.filter((d) => d.meta?.labels.site === s.group).map((d) => d.serial));
        expect(s.devices).toBe(members.size);
        expectSeries(s, brute(all, members, 'power', 'SUM', START, START + 6 * HOUR, HOUR));
      }
      const byGroup = await fleet.series(request({ groupBy: 'meta:group' }));
      const groups = new Map(byGroup.map((s) => [s.group, s]));
      expect([...groups.keys()].sort()).toEqual([null, 'north', 'pilot'].sort());
      for (const [group, s] of groups) {
        const members = new Set(
          devices
            .filter((d) => (group === null ? d.meta?.groups.length === 0 : d.meta?.groups.includes(group)))
            .map((d) => d.serial),
        );
        expectSeries(s, brute(all, members, 'power', 'SUM', START, START + 6 * HOUR, HOUR));
      }
      // 24 distinct values: the 20 largest groups, then the other 4 together.
      const unique = await fleet.series(request({ groupBy: 'label:unique' }));
      expect(unique).toHaveLength(FLEET_LIMITS.maxGroups + 1);
      const others = unique.find((s) => s.others) as FleetSeries;
      const named = new Set(unique.filter((s) => !s.others).map((s) => s.group));
      const rest = new Set(devices.filter((d) => !named.has(d.meta?.labels.unique ?? '')).map((d) => d.serial));
      expect(others.devices).toBe(rest.size);
      expectSeries(others, brute(all, rest, 'power', 'SUM', START, START + 6 * HOUR, HOUR));
    });

    it('reads the rollups and the log as one snapshot while the log is moved into the rollups', async () => {
      // A database of its own: this one's log is moved in the middle of the read.
      const own = await provider.create();
      const ownDb = await openDatabase(parseConfig({ databaseUrl: own.url, dataDir: '/tmp' }), createLogger('silent', false));
      const dialect = provider.name === 'sqlite' ? sqliteDialect(sqliteFile(own.url), 'FULL') : await postgresDialect(own.url);
      const w = new BatchWriter(dialect, 'g', { rows: 1e9, ms: 1e9 });
      await w.open();
      const recent = all.filter((s) => s.t >= START + 5 * HOUR).sort((a, b) => a.t - b.t);
      await w.write(recent.map((s) => ({ serial: s.serial, t: s.t, values: [['power', s.power] as [string, Scalar]] })));
      const real = provider.name === 'sqlite' ? sqliteHistory(sqliteFile(own.url)) : postgresHistory(own.url);
      let moving: Promise<void> | null = null;
      const moved: HistorySource = {
        ...real,
        // The first slice of rollups handed over starts the move: later slices are read after it.
        fleetRead: (table, paramId, ids, from, to, take) =>
          real.fleetRead(table, paramId, ids, from, to, (rows) => {
            moving ??= w.compactAll();
            take(rows);
          }),
      };
      try {
        // Minute units of six hours: 325 closed ones per device, so the 24 devices are read in two slices.
        const fleet = new FleetHistory(moved, 0, () => now);
        // COUNT: a value counted twice (in the log read and again in the rollups) shows; a mean would not.
        const [minutes] = await fleet.series(request({ bucketMs: 60_000, agg: 'COUNT' }));
        expect(moving).not.toBeNull();
        await moving;
        expectSeries(minutes as FleetSeries, brute(recent, everyone, 'power', 'COUNT', START, START + 6 * HOUR, 60_000));
        const [hours] = await fleet.series(request({ agg: 'COUNT' }));
        expectSeries(hours as FleetSeries, brute(recent, everyone, 'power', 'COUNT', START, START + 6 * HOUR, HOUR));
      } finally {
        await w.close();
        await real.close();
        await ownDb.$disconnect();
        await own.drop();
      }
    });

    it('counts only the devices it is given, and refuses what makes no sense', async () => {
      const fleet = new FleetHistory(source, 64 * 1024 * 1024, () => now);
      const some = devices.slice(0, 5);
      const [series] = await fleet.series(request({ devices: some }));
      expectSeries(
        series as FleetSeries,
        brute(all, new Set(some.map((d) => d.serial)), 'power', 'SUM', START, START + 6 * HOUR, HOUR),
      );
      expect(await fleet.series(request({ devices: [] }))).toEqual([{ group: null, others: false, devices: 0, points: [] }]);
      expect(await fleet.series(request({ name: 'unknown' }))).toEqual([
        { group: null, others: false, devices: DEVICES, points: [] },
      ]);
      await expect(fleet.series(request({ bucketMs: 30_000 }))).rejects.toThrow(/whole minutes/);
      await expect(fleet.series(request({ until: START - 1 }))).rejects.toThrow(/before since/);
      await expect(fleet.series(request({ bucketMs: 60_000, until: START + 30 * 24 * HOUR }))).rejects.toThrow(
        /at most 10000 buckets/,
      );
      await expect(fleet.series(request({ quantity: 'IDENTIFIER' }))).rejects.toThrow(/only COUNT/);
    });
  });
}
