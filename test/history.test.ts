import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Scalar } from '../protocol/values.ts';
import { parseConfig } from '../server/config.ts';
import { BucketStream, bucketRaw, type Point } from '../server/history/aggregate.ts';
import { chooseBucket, type HistoryQuery, HistoryService, sourceFor } from '../server/history/history-service.ts';
import { postgresHistory } from '../server/history/postgres-source.ts';
import type { HistorySource } from '../server/history/rows.ts';
import { sqliteHistory } from '../server/history/sqlite-source.ts';
import { createLogger } from '../server/logger.ts';
import type { FrameWrite } from '../server/storage/batch.ts';
import { BatchWriter } from '../server/storage/batch-writer.ts';
import { type Db, openDatabase } from '../server/storage/database.ts';
import type { Dialect } from '../server/storage/dialect.ts';
import { postgresDialect } from '../server/storage/postgres-dialect.ts';
import { sqliteDialect } from '../server/storage/sqlite-dialect.ts';
import { sqliteFile } from '../server/storage/sqlite-url.ts';
import { providers } from './support/providers.ts';

const START = Date.parse('2024-03-17T09:00:00Z');
const HOUR = 3_600_000;

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
  temp: number;
  state: string;
}

/** Six hours of random samples of three devices, at irregular times, some exactly on bucket edges. */
function samples(): Sample[] {
  const random = lcg(42);
  const out: Sample[] = [];
  for (const serial of ['h1', 'h2', 'h3']) {
    let t = START;
    while (t < START + 6 * HOUR) {
      out.push({ serial, t, temp: Math.round(random() * 4000 - 1000) / 100, state: random() < 0.8 ? 'ok' : 'alarm' });
      t += random() < 0.1 ? 60_000 - (t % 60_000) : 1 + Math.floor(random() * 40_000); // sometimes land on a minute
    }
  }
  return out;
}

/** The obvious computation, to hold the real one against. */
function brute(all: Sample[], serial: string, name: 'temp' | 'state', since: number, until: number, width: number): Point[] {
  const buckets = new Map<number, Sample[]>();
  for (const s of all) {
    if (s.serial !== serial || s.t < since || s.t >= until) continue;
    const b = Math.floor(s.t / width) * width;
    buckets.set(b, [...(buckets.get(b) ?? []), s]);
  }
  return [...buckets.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([t, list]) => {
      const last = list.reduce((a, b) => (b.t >= a.t ? b : a));
      if (name === 'state') return { t, count: list.length, avg: null, min: null, max: null, last: last.state };
      const values = list.map((s) => s.temp);
      return {
        t,
        count: values.length,
        avg: values.reduce((a, b) => a + b, 0) / values.length,
        min: Math.min(...values),
        max: Math.max(...values),
        last: last.temp,
      };
    });
}

function expectPoints(actual: Point[], expected: Point[]): void {
  expect(actual.map((p) => [p.t, p.count, p.min, p.max, p.last])).toEqual(
    expected.map((p) => [p.t, p.count, p.min, p.max, p.last]),
  );
  actual.forEach((p, i) => {
    if (p.avg === null) expect(expected[i]?.avg).toBeNull();
    else expect(p.avg).toBeCloseTo(expected[i]?.avg as number, 9);
  });
}

describe('bucketing math', () => {
  it('streams the same buckets as it computes in memory', () => {
    const random = lcg(7);
    const rows = Array.from({ length: 5000 }, (_, i) => ({
      t: START + i * 997 + Math.floor(random() * 500),
      num: random() < 0.9 ? random() * 100 : null,
      text: null as string | null,
    })).map((r) => (r.num === null ? { ...r, text: '"x"' } : r));
    for (const width of [1000, 60_000, 300_000, HOUR]) {
      const stream = new BucketStream(width);
      const streamed: Point[] = [];
      for (const row of rows) {
        const done = stream.add(row);
        if (done) streamed.push(done);
      }
      const last = stream.end();
      if (last) streamed.push(last);
      expect(streamed).toEqual(bucketRaw(rows, width));
    }
  });

  it('picks round buckets giving at most the asked number of points', () => {
    expect(chooseBucket(24 * HOUR, 1000)).toBe(2 * 60_000);
    expect(chooseBucket(7 * 24 * HOUR, 1000)).toBe(15 * 60_000);
    expect(chooseBucket(30_000, 1000)).toBe(1000);
    expect([sourceFor(HOUR * 2, true), sourceFor(300_000, true), sourceFor(30_000, true), sourceFor(HOUR, false)]).toEqual([
      'rollup_hour',
      'rollup_minute',
      'raw',
      'raw',
    ]);
  });
});

for (const provider of await providers()) {
  describe.skipIf(!provider.available)(`history on ${provider.name}`, () => {
    const all = samples();
    let database: { url: string; drop(): Promise<void> };
    let db: Db;
    let writer: BatchWriter;
    let source: HistorySource;
    let calls: Record<string, number>;
    let service: HistoryService;

    beforeAll(async () => {
      database = await provider.create();
      db = await openDatabase(parseConfig({ databaseUrl: database.url, dataDir: '/tmp' }), createLogger('silent', false));
      const dialect: Dialect =
        provider.name === 'sqlite' ? sqliteDialect(sqliteFile(database.url), 'FULL') : await postgresDialect(database.url);
      writer = new BatchWriter(dialect, 'h', { rows: 1e9, ms: 1e9 });
      await writer.open();
      const sorted = [...all].sort((a, b) => a.t - b.t);
      const frames = (list: Sample[]): FrameWrite[] =>
        list.map((s) => ({
          serial: s.serial,
          t: s.t,
          values: [['temp', s.temp] as [string, Scalar], ['state', s.state] as [string, Scalar]],
        }));
      // Most of it moved into history and rollups; the last hour still in the log.
      const cut = START + 5 * HOUR;
      for (let i = 0; i < sorted.length; i += 500) await writer.write(frames(sorted.slice(i, i + 500).filter((s) => s.t < cut)));
      await writer.compactAll();
      await writer.write(frames(sorted.filter((s) => s.t >= cut)));
      const real = provider.name === 'sqlite' ? sqliteHistory(sqliteFile(database.url)) : postgresHistory(database.url);
      calls = {};
      source = Object.fromEntries(
        Object.entries(real).map(([k, f]) => [
          k,
          (...args: unknown[]) => {
            calls[k] = (calls[k] ?? 0) + 1;
            return (f as (...a: unknown[]) => unknown)(...args);
          },
        ]),
      ) as unknown as HistorySource;
      service = new HistoryService(source, { maxPoints: 200, maxBuckets: 100_000, maxRawRows: 1_000_000 });
    });
    afterAll(async () => {
      await writer?.close();
      await source?.close();
      await db?.$disconnect();
      await database?.drop();
    });

    const load = (q: Partial<HistoryQuery>) =>
      service
        .loader()
        .load({ serial: 'h1', name: 'temp', numeric: true, since: START, until: START + 6 * HOUR, bucketMs: null, ...q });

    it('computes buckets like the obvious computation, from raw values, minute and hour rollups, and the log', async () => {
      for (const [width, since, until] of [
        [15_000, START + 4.5 * HOUR, START + 5.5 * HOUR], // raw values, across the log boundary
        [60_000, START, START + 6 * HOUR], // minute rollups and the log
        [300_000, START + 30 * 60_000, START + 5.5 * HOUR],
        [HOUR, START, START + 6 * HOUR], // hour rollups and the log
        [2 * HOUR, START, START + 6 * HOUR],
      ] as const) {
        for (const serial of ['h1', 'h3']) {
          expectPoints(await load({ serial, bucketMs: width, since, until }), brute(all, serial, 'temp', since, until, width));
        }
      }
    });

    it('gives the changes of a string parameter as values, raw or the newest per bucket', async () => {
      const since = START + 4.9 * HOUR;
      const until = START + 5.1 * HOUR;
      const raw = await load({ name: 'state', numeric: false, since, until });
      const expected = all.filter((s) => s.serial === 'h1' && s.t >= since && s.t < until);
      expect(raw.map((p) => [p.t, p.last, p.count, p.avg])).toEqual(expected.map((s) => [s.t, s.state, 1, null]));
      expectPoints(
        await load({ name: 'state', numeric: false, bucketMs: HOUR }),
        brute(all, 'h1', 'state', START, START + 6 * HOUR, HOUR),
      );
    });

    it('returns raw points when there are few, and picks a bucket when there are many', async () => {
      const few = await load({ since: START + 3 * HOUR, until: START + 3 * HOUR + 10 * 60_000 });
      expect(few.every((p) => p.count === 1)).toBe(true);
      expect(few.length).toBe(
        all.filter((s) => s.serial === 'h1' && s.t >= START + 3 * HOUR && s.t < START + 3 * HOUR + 10 * 60_000).length,
      );
      const many = await load({});
      const width = chooseBucket(6 * HOUR, 200);
      expect(width).toBe(2 * 60_000);
      expectPoints(many, brute(all, 'h1', 'temp', START, START + 6 * HOUR, width));
    });

    it('handles the edges: empty ranges, one point, a value exactly on the end, unknown names', async () => {
      const at = all.find((s) => s.serial === 'h2' && s.t % 60_000 === 0) as Sample;
      expect(await load({ serial: 'h2', since: at.t, until: at.t })).toEqual([]);
      expect(await load({ serial: 'h2', since: at.t, until: at.t + 1 })).toEqual([
        { t: at.t, count: 1, avg: at.temp, min: at.temp, max: at.temp, last: at.temp },
      ]);
      expect(await load({ serial: 'h2', since: at.t - 1, until: at.t })).not.toContainEqual(expect.objectContaining({ t: at.t }));
      expect(await load({ serial: 'nobody' })).toEqual([]);
      expect(await load({ name: 'nothing' })).toEqual([]);
      expect(await load({ since: START - 10 * HOUR, until: START - 9 * HOUR, bucketMs: 60_000 })).toEqual([]);
    });

    it('aligns buckets to UTC whatever offset the range was written with', async () => {
      const since = Date.parse('2024-03-17T11:30:00+02:00'); // 09:30Z
      const until = Date.parse('2024-03-17T14:30:00+02:00');
      const points = await load({ since, until, bucketMs: HOUR });
      expect(points.map((p) => new Date(p.t).toISOString())).toEqual([
        '2024-03-17T09:00:00.000Z',
        '2024-03-17T10:00:00.000Z',
        '2024-03-17T11:00:00.000Z',
        '2024-03-17T12:00:00.000Z',
      ]);
    });

    it('batches the trends of one request into a read per source', async () => {
      const loader = service.loader();
      for (const k of Object.keys(calls)) calls[k] = 0;
      const queries = ['h1', 'h2', 'h3'].flatMap((serial) =>
        [60_000, HOUR].map((bucketMs) => ({
          serial,
          name: 'temp',
          numeric: true,
          since: START,
          until: START + 6 * HOUR,
          bucketMs,
        })),
      );
      const results = await loader.loadMany(queries);
      expect(results.every((r) => Array.isArray(r) && r.length > 0)).toBe(true);
      expect([calls.rollups, calls.logRows, calls.raw ?? 0]).toEqual([2, 2, 0]); // one per bucket width
    });

    it('refuses ranges and buckets that make no sense, with a clear message', async () => {
      await expect(load({ since: START + HOUR, until: START })).rejects.toThrow('until is before since');
      await expect(load({ bucketMs: 500 })).rejects.toThrow(/whole number of seconds/);
      await expect(load({ bucketMs: 1000, since: 0, until: 365 * 24 * HOUR })).rejects.toThrow(/at most 100000 buckets/);
    });
  });
}
