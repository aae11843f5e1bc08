import type { Client } from '@urql/core';
import { type Accessor, createEffect, createSignal, on, onCleanup } from 'solid-js';
import type { FleetAgg, FleetStatsQuery as Stats } from './gql/graphql.ts';
import { FleetHistoryQuery, FleetStatsQuery, PreferenceQuery, SetPreferenceMutation } from './overview-documents.ts';
import { persisted } from './persisted-signal.ts';

export type TileAgg = 'SUM' | 'AVG' | 'MIN' | 'MAX';
export interface TileConfig {
  name: string;
  agg: TileAgg;
}
export interface ChartConfig {
  name: string;
  agg: FleetAgg;
  /** `label:<key>`, `meta:group`, a parameter, or null: one line. */
  groupBy: string | null;
}
export const RANGES = [
  { id: '1h', label: '1 h', ms: 3_600_000 },
  { id: '24h', label: '24 h', ms: 86_400_000 },
  { id: '7d', label: '7 d', ms: 7 * 86_400_000 },
  { id: '30d', label: '30 d', ms: 30 * 86_400_000 },
] as const;
export type RangeId = (typeof RANGES)[number]['id'];

export interface OverviewConfig {
  tiles: TileConfig[];
  charts: ChartConfig[];
  /** The parameter whose distribution is drawn, and whose outliers are listed. */
  distribution: string;
  range: RangeId;
}

export const MAX_TILES = 12;
export const MAX_CHARTS = 6;

/** What a new user sees: the SolMate's KPIs (a parameter the fleet lacks shows as –). */
export const DEFAULT_OVERVIEW: OverviewConfig = {
  tiles: [
    { name: 'power_income', agg: 'SUM' },
    { name: 'power_consumption', agg: 'SUM' },
    { name: 'battery', agg: 'AVG' },
  ],
  charts: [
    { name: 'power_income', agg: 'SUM', groupBy: null },
    { name: 'battery', agg: 'AVG', groupBy: null },
  ],
  distribution: 'battery',
  range: '24h',
};

/** A stored config as far as it is sound: anything else falls back to the default's part. */
function sound(value: unknown): OverviewConfig {
  const v = (value ?? {}) as Partial<OverviewConfig>;
  const aggs = ['SUM', 'AVG', 'MIN', 'MAX', 'COUNT'];
  const tiles = Array.isArray(v.tiles)
    ? v.tiles.filter((t) => typeof t?.name === 'string' && aggs.includes(t.agg)).slice(0, MAX_TILES)
    : DEFAULT_OVERVIEW.tiles;
  const charts = Array.isArray(v.charts)
    ? v.charts.filter((c) => typeof c?.name === 'string' && aggs.includes(c.agg)).slice(0, MAX_CHARTS)
    : DEFAULT_OVERVIEW.charts;
  return {
    tiles,
    charts: charts.map((c) => ({ ...c, groupBy: typeof c.groupBy === 'string' && c.groupBy !== '' ? c.groupBy : null })),
    distribution: typeof v.distribution === 'string' ? v.distribution : DEFAULT_OVERVIEW.distribution,
    range: RANGES.some((r) => r.id === v.range) ? (v.range as RangeId) : DEFAULT_OVERVIEW.range,
  };
}

/**
 * The user's overview: on the server when signed in (it follows them to any browser), in this browser in
 * lab mode. Read once; every change is saved.
 */
export function createOverviewConfig(client: Client, signedIn: boolean) {
  const [local, setLocal] = persisted<unknown>('smartos.overview', null);
  const [config, setConfig] = createSignal<OverviewConfig>(sound(local() ?? DEFAULT_OVERVIEW));
  const [saveError, setSaveError] = createSignal<string | null>(null);
  if (signedIn) {
    void client
      .query(PreferenceQuery, {}, { requestPolicy: 'network-only' })
      .toPromise()
      .then((r) => {
        if (r.data?.preference != null) setConfig(sound(r.data.preference));
      });
  }
  return {
    config,
    saveError,
    async save(next: OverviewConfig) {
      setConfig(next);
      setLocal(next);
      if (!signedIn) return;
      const r = await client.mutation(SetPreferenceMutation, { value: next }).toPromise();
      setSaveError(r.error ? r.error.message : null);
    },
  };
}

const STATS_EVERY_MS = 2000;

/** The live numbers: read every two seconds (one request, a few microseconds per device on the server). */
export function createOverviewStats(client: Client, config: Accessor<OverviewConfig>) {
  const [stats, setStats] = createSignal<Stats['fleetStats'] | null>(null);
  const [error, setError] = createSignal<string | null>(null);
  let inFlight = false;
  const read = async () => {
    if (inFlight || document.hidden) return;
    inFlight = true;
    const c = config();
    try {
      const r = await client
        .query(
          FleetStatsQuery,
          { names: [...new Set(c.tiles.map((t) => t.name))], histogram: c.distribution, outliers: c.distribution },
          { requestPolicy: 'network-only' },
        )
        .toPromise();
      if (r.data) setStats(r.data.fleetStats);
      setError(r.error ? r.error.message : null);
    } finally {
      inFlight = false;
    }
  };
  createEffect(on(config, () => void read()));
  const timer = setInterval(() => void read(), STATS_EVERY_MS);
  onCleanup(() => clearInterval(timer));
  return { stats, error };
}

export interface ChartData {
  /** One label per line (the group, or the aggregate's name). */
  labels: string[];
  /** Seconds (uPlot's unit), ascending, the union of every line's buckets. */
  t: number[];
  /** Per line, a value per t (null: no device reported in that bucket). */
  values: Array<Array<number | null>>;
  devices: number;
}

/** Lines with their own buckets, on one time axis. */
export function alignSeries(
  series: ReadonlyArray<{ label: string; points: ReadonlyArray<{ t: string; value: number | null }> }>,
): Omit<ChartData, 'devices'> {
  const times = [...new Set(series.flatMap((s) => s.points.map((p) => Date.parse(p.t))))].sort((a, b) => a - b);
  const at = new Map(times.map((t, i) => [t, i]));
  const values = series.map((s) => {
    const row: Array<number | null> = new Array(times.length).fill(null);
    for (const p of s.points) row[at.get(Date.parse(p.t)) as number] = p.value;
    return row;
  });
  return { labels: series.map((s) => s.label), t: times.map((t) => t / 1000), values };
}

const CHARTS_EVERY_MS = 60_000;

/** The fleet charts over the chosen range, read again every minute and when the config changes. */
export function createFleetCharts(client: Client, config: Accessor<OverviewConfig>) {
  const [charts, setCharts] = createSignal<Array<{ data: ChartData | null; error: string | null }>>([]);
  const read = async () => {
    const c = config();
    const range = RANGES.find((r) => r.id === c.range) ?? RANGES[1];
    const until = Date.now();
    const since = until - range.ms;
    const results = await Promise.all(
      c.charts.map(async (chart) => {
        const r = await client
          .query(
            FleetHistoryQuery,
            {
              name: chart.name,
              agg: chart.agg,
              since: new Date(since).toISOString(),
              until: new Date(until).toISOString(),
              groupBy: chart.groupBy,
            },
            { requestPolicy: 'network-only' },
          )
          .toPromise();
        if (!r.data) return { data: null, error: r.error?.message ?? 'no data' };
        const series = r.data.fleetHistory.map((s) => ({
          label: s.others ? 'others' : (s.group ?? (chart.groupBy ? '(none)' : chart.agg.toLowerCase())),
          points: s.points,
        }));
        return {
          data: { ...alignSeries(series), devices: r.data.fleetHistory.reduce((n, s) => n + s.devices, 0) },
          error: null,
        };
      }),
    );
    if (config() === c) setCharts(results);
  };
  createEffect(on(config, () => void read()));
  const timer = setInterval(() => void read(), CHARTS_EVERY_MS);
  onCleanup(() => clearInterval(timer));
  return { charts, refresh: read };
}
