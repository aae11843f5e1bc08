import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../server/config.ts';
import { createLogger } from '../server/logger.ts';
import type { AlertStateRow, AlertWrite } from '../server/storage/alert-rows.ts';
import { type Db, openDatabase } from '../server/storage/database.ts';
import type { Dialect } from '../server/storage/dialect.ts';
import { postgresDialect } from '../server/storage/postgres-dialect.ts';
import { sqliteDialect } from '../server/storage/sqlite-dialect.ts';
import { sqliteFile } from '../server/storage/sqlite-url.ts';
import { providers } from './support/providers.ts';

const T = Date.parse('2026-11-30T08:00:00.000Z');
const state = (serial: string, over: Partial<AlertStateRow> = {}): AlertStateRow => ({
  ruleId: 1,
  serial,
  state: 'FIRING',
  since: T,
  dueAt: T + 60_000,
  value: '12',
  firedAt: T,
  ackUserId: null,
  ackAt: null,
  ackComment: null,
  flips: `[${T}]`,
  suppressed: 0,
  ...over,
});
const write = (over: Partial<AlertWrite>): AlertWrite => ({
  deletes: [],
  upserts: [],
  events: [],
  notifications: [],
  fence: null,
  ...over,
});

for (const provider of await providers()) {
  describe.skipIf(!provider.available)(`alert rows through the writer's ${provider.name} dialect`, () => {
    let database: { url: string; drop(): Promise<void> };
    let db: Db;
    let dialect: Dialect;

    beforeAll(async () => {
      database = await provider.create();
      db = await openDatabase(parseConfig({ databaseUrl: database.url, dataDir: '/tmp' }), createLogger('silent', false));
      dialect =
        provider.name === 'sqlite' ? sqliteDialect(sqliteFile(database.url), 'FULL') : await postgresDialect(database.url);
    });
    afterAll(async () => {
      await dialect?.close();
      await db?.$disconnect();
      await database?.drop();
    });

    it('stores states (inserted, then updated or deleted), events and notifications as Prisma reads them', async () => {
      expect(
        await dialect.writeAlerts(
          write({
            upserts: [state('a'), state('b', { state: 'PENDING', dueAt: null, firedAt: null })],
            events: [{ ruleId: 1, serial: 'a', from: 'OK', to: 'FIRING', at: T, value: '12', userId: null, comment: null }],
            notifications: [{ channelId: 7, ruleId: 1, serial: 'a', kind: 'FIRING', body: '{"kind":"FIRING"}', at: T }],
          }),
        ),
      ).toBe(true);
      expect(
        await dialect.writeAlerts(
          write({ deletes: [[1, 'b']], upserts: [state('a', { ackUserId: 3, ackAt: T + 5, ackComment: 'on it' })] }),
        ),
      ).toBe(true);
      const states = await db.alertState.findMany();
      expect(states).toEqual([
        {
          ruleId: 1,
          serial: 'a',
          state: 'FIRING',
          since: new Date(T),
          dueAt: new Date(T + 60_000),
          value: '12',
          firedAt: new Date(T),
          ackUserId: 3,
          ackAt: new Date(T + 5),
          ackComment: 'on it',
          flips: `[${T}]`,
          suppressed: 0,
        },
      ]);
      expect(await db.alertEvent.findMany({ select: { serial: true, from: true, to: true, at: true } })).toEqual([
        { serial: 'a', from: 'OK', to: 'FIRING', at: new Date(T) },
      ]);
      expect(
        await db.notification.findMany({ select: { channelId: true, kind: true, state: true, attempts: true, nextAt: true } }),
      ).toEqual([{ channelId: 7, kind: 'FIRING', state: 'PENDING', attempts: 0, nextAt: new Date(T) }]);
    });

    it('writes nothing when the lease that fences it is held by another instance or has run out', async () => {
      const now = Date.now();
      const fence = { lease: 'alerts', instance: 'me', now, until: now + 15_000 };
      const batch = (serial: string) => write({ upserts: [state(serial)], fence });
      await db.lease.create({ data: { name: 'alerts', owner: 'other', until: new Date(now + 10_000) } });
      expect(await dialect.writeAlerts(batch('fenced-1'))).toBe(false);
      await db.lease.update({ where: { name: 'alerts' }, data: { owner: 'me', until: new Date(now - 1) } });
      expect(await dialect.writeAlerts(batch('fenced-2'))).toBe(false);
      expect(await db.alertState.count({ where: { serial: { startsWith: 'fenced' } } })).toBe(0);
      // Held and current: written, and the lease renewed in the same transaction.
      await db.lease.update({ where: { name: 'alerts' }, data: { until: new Date(now + 1000) } });
      expect(await dialect.writeAlerts(batch('held'))).toBe(true);
      expect(await db.alertState.count({ where: { serial: 'held' } })).toBe(1);
      expect((await db.lease.findUniqueOrThrow({ where: { name: 'alerts' } })).until).toEqual(new Date(now + 15_000));
    });
  });
}
