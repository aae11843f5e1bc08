import { describe, expect, it } from 'vitest';
import type { Scalar } from '../protocol/values.ts';
import { BadInputError } from '../server/errors.ts';
import { type DeviceState, emptyParams, Fleet } from '../server/state/fleet.ts';
import { parseLegacyQuery } from '../server/state/legacy-query.ts';
import { type Condition, type FilterOp, type Order, runQuery } from '../server/state/query.ts';

const T0 = Date.parse('2024-03-17T12:00:00.000Z');

function device(serial: string, params: Record<string, Scalar>, extra: Partial<DeviceState> = {}): DeviceState {
  return {
    serial,
    createdAt: T0,
    lastSeen: T0,
    online: true,
    instance: 'a',
    ownerId: null,
    params: Object.assign(emptyParams(), params),
    paramCount: Object.keys(params).length,
    ...extra,
  };
}

function fleet(): Fleet {
  const f = new Fleet();
  f.load(device('0001', { battery: 344, country: 'IT', version: 'v8.0', charging: true }, { lastSeen: T0 + 3000 }));
  f.load(
    device('0002', { battery: 99, country: 'CH', version: 'v8.1', charging: false }, { online: false, lastSeen: T0 + 1000 }),
  );
  f.load(device('0010', { battery: 1000, country: 'it', version: 'v10.0', charging: null }, { createdAt: T0 - 86_400_000 }));
  f.load(device('1009', { battery: 5, country: 'AT' }, { lastSeen: null, online: false }));
  f.load(device('ab-7', { battery: '12', postcode: 8531 }, { lastSeen: T0 + 2000 }));
  return f;
}

function serials(where: Condition[], orderBy: Order[] = [], offset = 0, limit = 100): string[] {
  return runQuery(fleet().devices.values(), { where, orderBy, offset, limit }).nodes.map((d) => d.serial);
}

const where = (field: string, op: FilterOp, value?: string | null): Condition[] => [{ field, op, value }];

describe('filters', () => {
  const cases: Array<[string, Condition[], string[]]> = [
    ['CONTAINS ignores case (the seed "=")', where('country', 'CONTAINS', 'It'), ['0001', '0010']],
    ['CONTAINS on the serial', where('serial', 'CONTAINS', '0'), ['0001', '0002', '0010', '1009']],
    ['CONTAINS on a number reads its digits', where('battery', 'CONTAINS', '00'), ['0010']],
    ['EQUALS on text is exact (the seed "==")', where('country', 'EQUALS', 'IT'), ['0001']],
    ['EQUALS compares numbers as numbers', where('battery', 'EQUALS', '99.0'), ['0002']],
    ['EQUALS on a boolean', where('charging', 'EQUALS', 'TRUE'), ['0001']],
    ['EQUALS on online', where('online', 'EQUALS', 'false'), ['0002', '1009']],
    ['NOT_EQUALS includes devices without the value', where('country', 'NOT_EQUALS', 'IT'), ['0002', '0010', '1009', 'ab-7']],
    [
      'LT numeric, not text (1000 is not below 344; the string "12" is, as text)',
      where('battery', 'LT', '344'),
      ['0002', '1009', 'ab-7'],
    ],
    ['GT numeric', where('battery', 'GT', '344'), ['0010']],
    ['LTE numeric', where('battery', 'LTE', '344'), ['0001', '0002', '1009', 'ab-7']],
    ['GTE numeric', where('battery', 'GTE', '99'), ['0001', '0002', '0010']],
    ['a string value compares as text', where('battery', 'LT', '2'), ['ab-7']],
    ['LT on text', where('version', 'LT', 'v8.1'), ['0001', '0010']],
    ['STARTS_WITH ignores case (the seed "^")', where('serial', 'STARTS_WITH', 'AB'), ['ab-7']],
    ['IS_NULL: missing or null', where('charging', 'IS_NULL'), ['0010', '1009', 'ab-7']],
    ['IS_NULL "false": present and not null', where('charging', 'IS_NULL', 'false'), ['0001', '0002']],
    ['lastSeen after a time', where('lastSeen', 'GT', new Date(T0 + 1500).toISOString()), ['0001', 'ab-7']],
    ['lastSeen in milliseconds', where('lastSeen', 'LTE', String(T0 + 1000)), ['0002', '0010']],
    ['lastSeen IS_NULL', where('lastSeen', 'IS_NULL'), ['1009']],
    ['createdAt before a day', where('createdAt', 'LT', '2024-03-17'), ['0010']],
    ['an unknown parameter matches nothing', where('nope', 'EQUALS', '1'), []],
  ];
  for (const [what, conditions, expected] of cases) {
    it(what, () => expect(serials(conditions)).toEqual(expected));
  }

  it('and-s several conditions', () => {
    expect(serials([...where('country', 'CONTAINS', 'it'), ...where('battery', 'GT', '500')])).toEqual(['0010']);
  });

  it('bounds how many conditions and sort keys a query may have', () => {
    expect(() => serials(Array.from({ length: 51 }, () => ({ field: 'battery', op: 'GT' as const, value: '1' })))).toThrow(
      /at most 50 conditions/,
    );
    expect(() =>
      serials(
        [],
        Array.from({ length: 11 }, () => ({ field: 'battery', direction: 'ASC' as const })),
      ),
    ).toThrow(/at most 10 sort keys/);
  });

  it('refuses a comparison without a value and a time that is not one', () => {
    expect(() => serials(where('battery', 'GT'))).toThrow(new BadInputError('GT on battery needs a value'));
    expect(() => serials(where('lastSeen', 'GT', 'yesterday'))).toThrow(/ISO 8601/);
  });
});

describe('sorting', () => {
  it('sorts numbers as numbers, nulls last in both directions', () => {
    expect(serials([], [{ field: 'battery', direction: 'ASC' }])).toEqual(['1009', '0002', '0001', '0010', 'ab-7']);
    expect(serials([], [{ field: 'charging', direction: 'DESC' }])).toEqual(['0001', '0002', '0010', '1009', 'ab-7']);
    expect(serials([], [{ field: 'lastSeen', direction: 'DESC' }])).toEqual(['0001', 'ab-7', '0002', '0010', '1009']);
  });

  it('sorts text by code point and falls back to the serial', () => {
    expect(serials([], [{ field: 'country', direction: 'ASC' }])).toEqual(['1009', '0002', '0001', '0010', 'ab-7']);
    expect(serials([], [{ field: 'country', direction: 'DESC' }])).toEqual(['0010', '0001', '0002', '1009', 'ab-7']);
  });

  it('uses later keys to break ties', () => {
    const f = fleet();
    f.load(device('0003', { battery: 99, country: 'AA' }));
    const order: Order[] = [
      { field: 'battery', direction: 'ASC' },
      { field: 'country', direction: 'DESC' },
    ];
    const page = runQuery(f.devices.values(), { where: [], orderBy: order, offset: 0, limit: 10 });
    expect(page.nodes.map((d) => d.serial)).toEqual(['1009', '0002', '0003', '0001', '0010', 'ab-7']);
  });

  it('defaults to the serial', () => {
    expect(serials([])).toEqual(['0001', '0002', '0010', '1009', 'ab-7']);
  });
});

describe('pages', () => {
  it('counts all matches and returns one page', () => {
    const page = runQuery(fleet().devices.values(), { where: [], orderBy: [], offset: 1, limit: 2 });
    expect(page.totalCount).toBe(5);
    expect(page.nodes.map((d) => d.serial)).toEqual(['0002', '0010']);
  });

  it('gives the same pages through the partial sort as through a full sort', () => {
    const f = new Fleet();
    for (let i = 0; i < 2000; i++) f.load(device(`d${String(i).padStart(4, '0')}`, { v: (i * 7919) % 1000 }));
    const order: Order[] = [{ field: 'v', direction: 'DESC' }];
    const all = runQuery(f.devices.values(), { where: [], orderBy: order, offset: 0, limit: 500 }).nodes;
    const full = [...all];
    for (const offset of [0, 20, 40]) {
      const page = runQuery(f.devices.values(), { where: [], orderBy: order, offset, limit: 20 }).nodes;
      expect(page).toEqual(full.slice(offset, offset + 20));
    }
  });

  it('bounds limit and offset', () => {
    expect(() => runQuery([], { where: [], orderBy: [], offset: 0, limit: 501 })).toThrow(/limit must be between 0 and 500/);
    expect(() => runQuery([], { where: [], orderBy: [], offset: -1, limit: 5 })).toThrow(/offset/);
  });
});

describe('seed query strings', () => {
  it('maps the original operators and names', () => {
    expect(
      parseLegacyQuery(['filter:serial_number:=:0', 'filter:country:==:IT', 'filter:serial_number:^:00', 'sort:battery:>:123']),
    ).toEqual({
      where: [
        { field: 'serial', op: 'CONTAINS', value: '0' },
        { field: 'country', op: 'EQUALS', value: 'IT' },
        { field: 'serial', op: 'STARTS_WITH', value: '00' },
      ],
      orderBy: [{ field: 'battery', direction: 'DESC' }],
    });
  });

  it('keeps colons in the value', () => {
    expect(parseLegacyQuery(['filter:local_time:^:2024-03-17 12:10']).where[0]?.value).toBe('2024-03-17 12:10');
  });

  it('sorts ascending with < and maps the seed built-in names', () => {
    expect(parseLegacyQuery(['sort:last_status_update:<:abc', 'sort:manufacturing_date:>'])).toEqual({
      where: [],
      orderBy: [
        { field: 'lastSeen', direction: 'ASC' },
        { field: 'createdAt', direction: 'DESC' },
      ],
    });
  });

  it('refuses an unknown operator instead of guessing', () => {
    expect(() => parseLegacyQuery(['filter:battery:~:3'])).toThrow(/unknown filter operator "~"/);
    expect(() => parseLegacyQuery(['sort:battery:=:abc'])).toThrow(/unknown sort direction/);
    expect(() => parseLegacyQuery(['sort:battery:<:xyz'])).toThrow(/unknown sort kind/);
    expect(() => parseLegacyQuery(['select:battery'])).toThrow(/filter: or sort:/);
  });
});
