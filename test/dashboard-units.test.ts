import { describe, expect, it } from 'vitest';
import { ago, formatValue, isIdentifier, label, setParameterDisplay, unit } from '../dashboard/src/format.ts';
import {
  appendLive,
  axisTimes,
  customRange,
  DEFAULT_CHOICE,
  decodeChoice,
  encodeChoice,
  exportHref,
  heldSeries,
  toLocalInput,
  toSeries,
  trimBefore,
  validChoice,
  windowOf,
} from '../dashboard/src/time-range.ts';
import { nextSort, parseViewState, serializeViewState } from '../dashboard/src/view-state.ts';
import { defaultMeta } from '../server/state/parameter-meta.ts';

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
  it('reads names before the catalogue arrives', () => {
    expect([label('power_income'), label('meta:name'), label('label:site'), unit('battery')]).toEqual([
      'Power income',
      'Name',
      'site',
      undefined,
    ]);
  });

  /** What the server's catalogue says of these: the SolMate's own metadata, defaults for the rest. */
  const catalogue = () => {
    const kinds: Record<string, 'number' | 'string' | 'boolean'> = { country: 'string', charging: 'boolean' };
    const names = ['power_income', 'power_inject', 'power_consumption', 'battery', 'capacity', 'country', 'charging', 'cpu_temp'];
    setParameterDisplay(names.map((name) => ({ name, ...defaultMeta({ name, kind: kinds[name] ?? 'number' }) })));
  };

  it('labels the SolMate parameters and makes others readable', () => {
    catalogue();
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
    catalogue();
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

describe('the trend range', () => {
  it('turns API points into chart arrays, bucket extremes included, strings left out', () => {
    const series = toSeries([
      { t: '2024-03-17T10:00:00.000Z', avg: 5, min: 1, max: 9, value: 7 },
      { t: '2024-03-17T10:01:00.000Z', avg: null, min: null, max: null, value: 'charging' },
      { t: '2024-03-17T10:02:00.000Z', value: 3 },
    ]);
    expect(series).toEqual({ t: [1710669600, 1710669720], v: [5, 3], lo: [1, 3], hi: [9, 3] });
  });

  it('extends history with live values, never behind its newest point, and trims to the window', () => {
    const series = toSeries([{ t: '2024-03-17T10:00:00.000Z', value: 1 }]);
    appendLive(series, Date.parse('2024-03-17T09:59:59Z'), 2); // older than the history: already in it
    appendLive(series, Date.parse('2024-03-17T10:00:10Z'), 3);
    appendLive(series, Date.parse('2024-03-17T10:00:20Z'), 4);
    expect(series.v).toEqual([1, 3, 4]);
    trimBefore(series, Date.parse('2024-03-17T10:00:15Z'));
    expect(series.v).toEqual([3, 4]); // one point before the window stays, for the line's entry
    expect(series.lo).toEqual([3, 4]);
  });

  it('reads custom dates as local time and refuses an empty or backwards range', () => {
    expect(customRange('', '2024-03-17T10:00')).toBe('Give both a start and an end.');
    expect(customRange('2024-03-17T10:00', '2024-03-17T09:00')).toBe('The end must be after the start.');
    const ok = customRange('2024-03-17T09:00', '2024-03-17T10:30');
    expect(ok).toEqual({
      kind: 'fixed',
      since: new Date(2024, 2, 17, 9).getTime(),
      until: new Date(2024, 2, 17, 10, 30).getTime(),
    });
    expect(toLocalInput(new Date(2024, 2, 17, 9, 5).getTime())).toBe('2024-03-17T09:05');
  });

  it('accepts only a sound remembered choice, and exports the shown window', () => {
    expect(validChoice({ preset: '24h' })).toEqual({ preset: '24h', range: { kind: 'live', seconds: 86_400 } });
    expect(validChoice({ preset: 'custom', range: { kind: 'fixed', since: 5, until: 2 } })).toEqual(DEFAULT_CHOICE);
    expect(validChoice('garbage')).toEqual(DEFAULT_CHOICE);
    const now = Date.parse('2024-03-17T10:00:00Z');
    const href = exportHref('a b', { kind: 'live', seconds: 3600 }, now, 'ndjson');
    expect(href).toBe('/export.ndjson?device=a+b&since=2024-03-17T09%3A00%3A00.000Z&until=2024-03-17T10%3A00%3A00.000Z');
    expect(windowOf({ kind: 'fixed', since: 1, until: 2 }, now)).toEqual({ since: 1, until: 2 });
  });
});

describe('what a trend draws', () => {
  const at = (iso: string) => Date.parse(iso);
  const s = (iso: string) => at(iso) / 1000;

  it('holds the value from before the window at its left edge and runs the last one on to its end', () => {
    const series = toSeries([
      { t: '2024-03-17T10:00:00Z', value: 1 },
      { t: '2024-03-17T10:00:40Z', value: 5 },
    ]);
    const drawn = heldSeries(series, at('2024-03-17T10:00:30Z'), at('2024-03-17T10:01:00Z'), 5);
    expect(drawn.t).toEqual([s('2024-03-17T10:00:30Z'), s('2024-03-17T10:00:40Z'), s('2024-03-17T10:01:00Z')]);
    expect(drawn.v).toEqual([1, 5, 5]);
  });

  it('draws a value that did not change in a live window as a line across it, not as nothing', () => {
    const quiet = heldSeries(undefined, at('2024-03-17T10:00:30Z'), at('2024-03-17T10:01:00Z'), 42);
    expect(quiet.v).toEqual([42, 42]);
    expect(quiet.t).toEqual([s('2024-03-17T10:00:30Z'), s('2024-03-17T10:01:00Z')]);
    // In a past window the value then is not known: nothing is made up.
    expect(heldSeries(undefined, at('2024-03-17T10:00:30Z'), at('2024-03-17T10:01:00Z'), null).t).toEqual([]);
  });

  it('labels a few minutes with clock times, seconds only under two minutes, days beyond two', () => {
    const t0 = new Date(2024, 2, 17, 10, 5, 30).getTime() / 1000;
    expect(axisTimes([t0], 15 * 60)).toEqual(['10:05']);
    expect(axisTimes([t0], 30)).toEqual(['10:05:30']);
    expect(axisTimes([new Date(2024, 2, 17).getTime() / 1000], 7 * 86_400)).toEqual(['17.3.']);
  });

  it('never plots identifiers such as a postcode', () => {
    expect(isIdentifier('postcode')).toBe(true);
    expect(isIdentifier('device_id')).toBe(true);
    expect(isIdentifier('battery')).toBe(false);
    expect(isIdentifier('power_income')).toBe(false);
  });

  it('carries the range in the URL: presets by name, custom dates as milliseconds; nonsense is ignored', () => {
    const custom = { preset: 'custom' as const, range: { kind: 'fixed' as const, since: 1000, until: 5000 } };
    expect(encodeChoice(custom)).toBe('custom:1000-5000');
    expect(decodeChoice('custom:1000-5000')).toEqual(custom);
    expect(decodeChoice('1h')).toEqual({ preset: '1h', range: { kind: 'live', seconds: 3600 } });
    expect(decodeChoice('live')).toEqual(DEFAULT_CHOICE);
    for (const bad of ['custom:5000-1000', 'forever', '', null]) expect(decodeChoice(bad)).toBeNull();
  });
});
