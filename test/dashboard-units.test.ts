import { describe, expect, it } from 'vitest';
import { ago, formatValue, label, unit } from '../dashboard/src/format.ts';
import { nextSort, parseViewState, serializeViewState } from '../dashboard/src/view-state.ts';

describe('the view in the URL', () => {
  it('round-trips filters, sort, page and size, values with any characters included', () => {
    const state = {
      where: [
        { field: 'local_time', op: 'STARTS_WITH' as const, value: '2024-03-17 12:10 ~x&y' },
        { field: 'fault', op: 'IS_NULL' as const, value: null },
      ],
      orderBy: [
        { field: 'battery', direction: 'DESC' as const },
        { field: 'serial', direction: 'ASC' as const },
      ],
      page: 3,
      size: 50,
    };
    const search = serializeViewState(state);
    expect(search).toBe(
      '?f=local_time%7ESTARTS_WITH%7E2024-03-17+12%3A10+%7Ex%26y&f=fault%7EIS_NULL&sort=battery%3Adesc%2Cserial%3Aasc&page=3&size=50',
    );
    expect(parseViewState(search)).toEqual(state);
  });

  it('falls back to the defaults for what it cannot read', () => {
    expect(parseViewState('?f=battery~ALMOST~3&f=broken&page=-2&size=7&sort=:desc')).toEqual({
      where: [],
      orderBy: [],
      page: 1,
      size: 20,
    });
    expect(serializeViewState({ where: [], orderBy: [], page: 1, size: 20 })).toBe('');
  });
});

describe('sorting by headers', () => {
  it('cycles a single key: ascending, descending, off', () => {
    expect(nextSort([], 'battery', false)).toEqual([{ field: 'battery', direction: 'ASC' }]);
    expect(nextSort([{ field: 'battery', direction: 'ASC' }], 'battery', false)).toEqual([
      { field: 'battery', direction: 'DESC' },
    ]);
    expect(nextSort([{ field: 'battery', direction: 'DESC' }], 'battery', false)).toEqual([]);
    expect(
      nextSort(
        [
          { field: 'battery', direction: 'DESC' },
          { field: 'serial', direction: 'ASC' },
        ],
        'country',
        false,
      ),
    ).toEqual([{ field: 'country', direction: 'ASC' }]);
  });

  it('adds and toggles further keys with shift, keeping their order', () => {
    const one = [{ field: 'country', direction: 'ASC' as const }];
    const two = nextSort(one, 'battery', true);
    expect(two).toEqual([...one, { field: 'battery', direction: 'ASC' }]);
    expect(nextSort(two, 'country', true)).toEqual([
      { field: 'country', direction: 'DESC' },
      { field: 'battery', direction: 'ASC' },
    ]);
    expect(nextSort(nextSort(two, 'battery', true), 'battery', true)).toEqual(one);
  });
});

describe('how values read', () => {
  it('labels the SolMate parameters and makes others readable', () => {
    expect([label('power_income'), label('battery'), label('lastSeen'), label('cpu_temp'), label('wind.speed-max')]).toEqual([
      'PV income',
      'Battery',
      'Last seen',
      'Cpu temp',
      'Wind speed max',
    ]);
    expect([unit('power_inject'), unit('battery'), unit('country')]).toEqual(['W', '%', undefined]);
  });

  it('formats with units, scales and symbols', () => {
    expect(formatValue('power_consumption', 1234)).toMatch(/^1[,.\u202f\u00a0]?234 W$/);
    expect(formatValue('battery', 57)).toBe('57 %');
    expect(formatValue('capacity', 5_184_000)).toBe('1.44 kWh');
    expect([formatValue('charging', true), formatValue('charging', false), formatValue('x', null)]).toEqual(['✓', '✗', '–']);
    expect(formatValue('country', 'AT')).toBe('AT');
  });

  it('says how long ago', () => {
    const now = Date.parse('2026-01-01T12:00:00Z');
    const at = (s: number) => new Date(now - s * 1000).toISOString();
    expect([ago(at(12), now), ago(at(125), now), ago(at(7300), now), ago(at(200_000), now), ago(null, now)]).toEqual([
      '12 s ago',
      '2 min ago',
      '2 h ago',
      '2 d ago',
      'never',
    ]);
  });
});
