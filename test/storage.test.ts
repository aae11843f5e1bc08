import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../server/config.ts';
import { createLogger } from '../server/logger.ts';
import type { FrameWrite, WriteItem } from '../server/storage/batch.ts';
import { BatchWriter } from '../server/storage/batch-writer.ts';
import { type Db, openDatabase } from '../server/storage/database.ts';
import type { Dialect } from '../server/storage/dialect.ts';
import { loadFleet } from '../server/storage/load-fleet.ts';
import { postgresDialect } from '../server/storage/postgres-dialect.ts';
import { sqliteDialect } from '../server/storage/sqlite-dialect.ts';
import { sqliteFile } from '../server/storage/sqlite-url.ts';
import { LOG_BUCKETS } from '../server/storage/tables.ts';
import { providers } from './support/providers.ts';

const T = Date.parse('2024-03-17T12:00:00.000Z');
const frame = (serial: string, t: number, values: Record<string, unknown>): FrameWrite => ({
  serial,
  t,
  values: Object.entries(values) as FrameWrite['values'],
});

for (const provider of await providers()) {
  describe.skipIf(!provider.available)(`storage on ${provider.name}`, () => {
    let database: { url: string; drop(): Promise<void> };
    let db: Db;
    const writers: BatchWriter[] = [];

    const dialect = (): Promise<Dialect> =>
      provider.name === 'sqlite'
        ? Promise.resolve(sqliteDialect(sqliteFile(database.url), 'FULL'))
        : postgresDialect(database.url);

    async function writer(instance: string, wrap: (d: Dialect) => Dialect = (d) => d): Promise<BatchWriter> {
      const w = new BatchWriter(wrap(await dialect()), instance);
      await w.open();
      writers.push(w);
      return w;
    }

    /** Everything accepted for one device and parameter: moved history plus the log not moved yet. */
    async function history(serial: string, name: string) {
      const device = await db.device.findUniqueOrThrow({ where: { serial } });
      const param = await db.parameter.findUniqueOrThrow({ where: { name } });
      const where = { deviceId: device.id, paramId: param.id };
      const select = { t: true, num: true, text: true };
      const rows = [...(await db.historyPoint.findMany({ where, select })), ...(await db.historyLog.findMany({ where, select }))];
      return rows.sort((a, b) => Number(a.t - b.t));
    }

    beforeAll(async () => {
      database = await provider.create();
      const config = parseConfig({ databaseUrl: database.url, dataDir: '/tmp' });
      db = await openDatabase(config, createLogger('silent', false));
    });
    afterAll(async () => {
      for (const w of writers) await w.close();
      await db?.$disconnect();
      await database?.drop();
    });

    it('registers devices, keeps the latest values, and appends every change to history', async () => {
      const w = await writer('inst-a');
      await w.write([
        frame('s1', T, { battery: 10, country: 'AT', _note: null }),
        frame('s2', T + 1, { battery: 20 }),
        frame('s1', T + 5, { battery: 11, charging: true }),
      ]);
      await w.write([frame('s1', T + 9, { battery: 12, country: 'SI' })]);
      const fleet = await loadFleet(db);
      const s1 = fleet.get('s1');
      expect(s1).toMatchObject({ createdAt: T, lastSeen: T + 9, online: true, instance: 'inst-a', paramCount: 4 });
      expect({ ...s1?.params }).toEqual({ battery: 12, country: 'SI', _note: null, charging: true });
      expect(fleet.get('s2')).toMatchObject({ createdAt: T + 1, lastSeen: T + 1 });
      expect(await history('s1', 'battery')).toEqual([
        { t: BigInt(T), num: 10, text: null },
        { t: BigInt(T + 5), num: 11, text: null },
        { t: BigInt(T + 9), num: 12, text: null },
      ]);
      expect(await history('s1', 'country')).toEqual([
        { t: BigInt(T), num: null, text: '"AT"' },
        { t: BigInt(T + 9), num: null, text: '"SI"' },
      ]);
      expect(await history('s1', 'charging')).toEqual([{ t: BigInt(T + 5), num: null, text: 'true' }]);
    });

    it('moves the history log into history in chunks, losing and doubling nothing', async () => {
      const w = new BatchWriter(await dialect(), 'inst-a', { rows: 1_000_000, ms: 3_600_000 });
      await w.open();
      writers.push(w);
      const frames: FrameWrite[] = [];
      for (let i = 0; i < 400; i++)
        frames.push(frame(`mv${i % 40}`, T + 1000 + i, { level: i, state: i % 3 === 0 ? 'on' : 'off' }));
      await w.write(frames.slice(0, 200));
      await w.write(frames.slice(200));
      const before = await history('mv7', 'level');
      expect(before.map((p) => p.num)).toEqual([7, 47, 87, 127, 167, 207, 247, 287, 327, 367]);
      expect(await w.compactStep()).toBe(false); // nothing due yet with these thresholds
      let steps = 1;
      while (await w.compactStep(steps === 1)) {
        steps++;
        // Between steps, some buckets are moved and some not: every value is still there exactly once.
        if (steps === 10) expect(await history('mv7', 'level')).toEqual(before);
      }
      expect(steps).toBe(LOG_BUCKETS); // one bucket of devices per step
      expect(await history('mv7', 'level')).toEqual(before);
      expect(await history('mv39', 'state')).toHaveLength(10);
      await w.compactAll();
      expect(await db.historyLog.count()).toBe(0);
      expect(await db.historyPoint.count({ where: { device: { serial: { startsWith: 'mv' } } } })).toBe(800);
    });

    it('maintains minute and hour rollups equal to the raw points, across several moves', async () => {
      const w = new BatchWriter(await dialect(), 'inst-a', { rows: 1_000_000, ms: 3_600_000 });
      await w.open();
      writers.push(w);
      // Random values over three hours for three devices, written and moved in several rounds.
      let seed = 7;
      const random = () => {
        seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
        return seed / 2 ** 31;
      };
      const start = Date.parse('2024-03-17T10:58:00Z');
      const frames: FrameWrite[] = [];
      for (let i = 0; i < 600; i++) {
        const t = start + Math.floor(i * 18_000 + random() * 1000);
        frames.push(frame(`ru${i % 3}`, t, { watts: Math.round(random() * 1000) / 10, mode: i % 7 === 0 ? 'x' : 'y' }));
      }
      for (let round = 0; round < 4; round++) {
        await w.write(frames.filter((_, i) => i % 4 === round).sort((a, b) => a.t - b.t));
        await w.compactAll();
      }
      for (const [table, width] of [
        ['rollup_minute', 60_000],
        ['rollup_hour', 3_600_000],
      ] as const) {
        const expected = new Map<string, { min: number; max: number; sum: number; count: number; last: number; lastT: number }>();
        for (const f of frames) {
          const v = f.values[0]?.[1] as number;
          const key = `${f.serial}|${Math.floor(f.t / width) * width}`;
          const e = expected.get(key);
          if (!e) expected.set(key, { min: v, max: v, sum: v, count: 1, last: v, lastT: f.t });
          else {
            e.min = Math.min(e.min, v);
            e.max = Math.max(e.max, v);
            e.sum += v;
            e.count++;
            if (f.t > e.lastT) [e.last, e.lastT] = [v, f.t];
          }
        }
        const rows = await db.$queryRawUnsafe<
          Array<{
            serial: string;
            bucket: bigint;
            min: number;
            max: number;
            sum: number;
            count: number;
            last: number;
            last_t: bigint;
          }>
        >(
          `SELECT d.serial, r.bucket, r.min, r.max, r.sum, r.count, r.last, r.last_t FROM ${table} r JOIN device d ON d.id = r.device_id JOIN parameter p ON p.id = r.param_id WHERE p.name = 'watts'`,
        );
        expect(rows).toHaveLength(expected.size);
        for (const r of rows) {
          const e = expected.get(`${r.serial}|${Number(r.bucket)}`);
          expect(e, `${table} ${r.serial} ${r.bucket}`).toBeDefined();
          expect([r.min, r.max, Number(r.count), r.last, Number(r.last_t)]).toEqual([
            e?.min,
            e?.max,
            e?.count,
            e?.last,
            e?.lastT,
          ]);
          expect(r.sum).toBeCloseTo(e?.sum ?? Number.NaN, 6);
        }
      }
      // Strings are history only: no rollups for them.
      const modes = await db.$queryRawUnsafe<Array<{ n: bigint }>>(
        "SELECT count(*) AS n FROM rollup_minute r JOIN parameter p ON p.id = r.param_id WHERE p.name = 'mode'",
      );
      expect(Number(modes[0]?.n)).toBe(0);
    });

    it('prunes each kind of history past its retention, and nothing newer', async () => {
      const day = 86_400_000;
      const now = Date.parse('2024-06-01T00:00:00Z');
      const w = new BatchWriter(
        await dialect(),
        'inst-a',
        { rows: 1_000_000, ms: 3_600_000 },
        { rawMs: 7 * day, minuteMs: 90 * day, hourMs: 400 * day },
      );
      await w.open();
      writers.push(w);
      const ages = [500, 100, 10, 6, 1]; // days before now
      await w.write(ages.map((a, k) => frame('pr1', now - a * day + k, { level: a })));
      await w.compactAll();
      const count = async (table: string) => {
        const [row] = await db.$queryRawUnsafe<Array<{ n: bigint }>>(
          `SELECT count(*) AS n FROM ${table} x JOIN device d ON d.id = x.device_id WHERE d.serial = 'pr1'`,
        );
        return Number(row?.n);
      };
      expect([await count('history'), await count('rollup_minute'), await count('rollup_hour')]).toEqual([5, 5, 5]);
      expect(await w.pruneStep(now)).toBe(false); // not due yet
      while (await w.pruneStep(now, true));
      expect([await count('history'), await count('rollup_minute'), await count('rollup_hour')]).toEqual([2, 3, 4]);
      expect((await history('pr1', 'level')).map((p) => p.num)).toEqual([6, 1]);
    });

    it('catalogues parameters with the kind of their first non-null value', async () => {
      const w = await writer('inst-a');
      await w.write([frame('k1', T, { later: null, flag: false, word: 'x' })]);
      let fleet = await loadFleet(db);
      expect(fleet.parameters.get('later')).toMatchObject({ kind: null, firstSeen: T });
      expect(fleet.parameters.get('flag')?.kind).toBe('boolean');
      await w.write([frame('k2', T + 100, { later: 4.5 })]);
      fleet = await loadFleet(db);
      expect(fleet.parameters.get('later')).toMatchObject({ kind: 'number', firstSeen: T });
      expect(fleet.parameters.get('battery')?.kind).toBe('number');
      expect(fleet.parameters.get('word')?.kind).toBe('string');
    });

    it('marks a device offline only for the instance that holds it', async () => {
      const a = await writer('inst-a');
      const b = await writer('inst-b');
      await a.write([frame('p1', T, { x: 1 }), frame('p2', T, { x: 1 })]);
      await b.write([frame('p2', T + 10, { x: 2 })]); // p2 moved to instance b
      const offline = (serial: string): WriteItem => ({ serial, offline: true });
      await a.write([offline('p1'), offline('p2')]);
      const fleet = await loadFleet(db);
      expect(fleet.get('p1')).toMatchObject({ online: false, instance: null });
      expect(fleet.get('p2')).toMatchObject({ online: true, instance: 'inst-b', lastSeen: T + 10 });
    });

    it('ends a batch online when the device came back after its socket closed', async () => {
      const a = await writer('inst-a');
      await a.write([frame('r1', T, { x: 1 }), { serial: 'r1', offline: true }, frame('r1', T + 3, { x: 2 })]);
      expect((await loadFleet(db)).get('r1')).toMatchObject({ online: true, lastSeen: T + 3 });
    });

    it('rolls back a failed batch entirely and forgets the ids it learnt', async () => {
      let fail = true;
      const w = await writer('inst-a', (d) => ({
        ...d,
        appendHistory: async (...args) => {
          if (fail) throw new Error('disk full');
          return d.appendHistory(...args);
        },
      }));
      await expect(w.write([frame('rb1', T, { fresh_param: 1 })])).rejects.toThrow('disk full');
      let fleet = await loadFleet(db);
      expect(fleet.get('rb1')).toBeUndefined();
      expect(fleet.parameters.has('fresh_param')).toBe(false);
      fail = false;
      await w.write([frame('rb1', T + 1, { fresh_param: 2 })]);
      fleet = await loadFleet(db);
      expect(fleet.get('rb1')?.params.fresh_param).toBe(2);
      expect(fleet.get('rb1')?.createdAt).toBe(T + 1);
    });

    it('lets two writers register the same new device and parameter', async () => {
      const a = await writer('inst-a');
      const b = await writer('inst-b');
      const first = a.write([frame('both', T, { shared_new: 1 })]);
      // SQLite has one writer per file (a second blocks on its lock in the same thread); PostgreSQL takes both at once.
      if (provider.name === 'sqlite') await first;
      await Promise.all([first, b.write([frame('both', T + 1, { shared_new: 2 })])]);
      const fleet = await loadFleet(db);
      expect(fleet.get('both')?.params.shared_new).toBeOneOf([1, 2]);
      expect((await history('both', 'shared_new')).map((h) => h.num).sort()).toEqual([1, 2]);
      // A writer started later learns the ids from the database.
      const c = await writer('inst-c');
      await c.write([frame('both', T + 2, { shared_new: 3 })]);
      expect((await loadFleet(db)).get('both')?.params.shared_new).toBe(3);
    });
  });
}
