import { type Accessor, createMemo, For, Show } from 'solid-js';
import { useConnection } from '../clients.ts';
import { ago, formatValue, label } from '../format.ts';
import type { CatalogueQuery } from '../gql/graphql.ts';
import {
  type ChartConfig,
  createFleetCharts,
  createOverviewConfig,
  createOverviewStats,
  RANGES,
  type TileAgg,
} from '../overview.ts';
import { BarChart } from './BarChart.tsx';
import { LineChart } from './LineChart.tsx';
import { OverviewEditor } from './OverviewEditor.tsx';

const AGG_WORDS: Record<string, string> = { SUM: 'total', AVG: 'average', MIN: 'least', MAX: 'greatest', COUNT: 'values' };

interface OverviewProps {
  signedIn: boolean;
  parameters: Accessor<CatalogueQuery['parameters']>;
  now: Accessor<number>;
  onOpenDevice: (serial: string) => void;
}

/** The fleet at a glance: live tiles, fleet charts, a distribution, and the devices needing attention. */
export function Overview(props: OverviewProps) {
  const client = useConnection().client;
  const settings = createOverviewConfig(client, props.signedIn);
  const config = settings.config;
  const live = createOverviewStats(client, config);
  const charts = createFleetCharts(client, config);
  const tileValue = (name: string, agg: TileAgg) => {
    const v = live.stats()?.values.find((s) => s.name === name);
    const n = v ? { SUM: v.sum, AVG: v.avg, MIN: v.min, MAX: v.max }[agg] : null;
    return n == null ? '–' : formatValue(name, agg === 'AVG' ? Math.round(n * 10) / 10 : n);
  };
  const removeTile = (i: number) => void settings.save({ ...config(), tiles: config().tiles.filter((_, k) => k !== i) });
  const removeChart = (i: number) => void settings.save({ ...config(), charts: config().charts.filter((_, k) => k !== i) });
  const chartTitle = (c: ChartConfig) =>
    `${label(c.name)}: ${AGG_WORDS[c.agg] ?? c.agg}${c.groupBy ? ` by ${label(c.groupBy)}` : ''}`;
  const histogram = createMemo(() => live.stats()?.histogram.buckets ?? []);
  return (
    <section class="overview" aria-label="Fleet overview">
      <div class="overview-bar">
        <fieldset class="range-buttons" aria-label="Chart range">
          <For each={RANGES}>
            {(r) => (
              <button
                type="button"
                aria-pressed={config().range === r.id}
                onClick={() => void settings.save({ ...config(), range: r.id })}
              >
                {r.label}
              </button>
            )}
          </For>
        </fieldset>
        <OverviewEditor config={config()} parameters={props.parameters()} onSave={(c) => void settings.save(c)} />
        <Show when={settings.saveError()}>{(e) => <span class="error">Not saved: {e()}</span>}</Show>
        <Show when={live.error()}>{(e) => <span class="error">{e()}</span>}</Show>
      </div>
      <div class="tiles" data-updated={live.stats() ? 'yes' : 'no'}>
        <div class="tile" data-tile="online">
          <span class="tile-label">Devices online</span>
          <strong class="tile-value">
            {live.stats()?.online ?? '–'} / {live.stats()?.total ?? '–'}
          </strong>
        </div>
        <div class="tile" data-tile="alerts" classList={{ bad: (live.stats()?.inAlert ?? 0) > 0 }}>
          <span class="tile-label">In alert</span>
          <strong class="tile-value">{live.stats()?.inAlert ?? '–'}</strong>
        </div>
        <For each={config().tiles}>
          {(tile, i) => (
            <div class="tile" data-tile={`${tile.name}:${tile.agg}`}>
              <span class="tile-label">
                {label(tile.name)}, {AGG_WORDS[tile.agg]}
              </span>
              <strong class="tile-value">{tileValue(tile.name, tile.agg)}</strong>
              <button type="button" class="remove-button" title="Remove this tile" onClick={() => removeTile(i())}>
                ×
              </button>
            </div>
          )}
        </For>
      </div>
      <div class="charts">
        <For each={config().charts}>
          {(chart, i) => (
            <div class="chart-box" data-chart={chart.name}>
              <Show
                when={charts.charts()[i()]?.data}
                fallback={<p class="hint">{charts.charts()[i()]?.error ?? `Loading ${chartTitle(chart)}…`}</p>}
              >
                {(data) => <LineChart title={chartTitle(chart)} name={chart.name} data={data} />}
              </Show>
              <button type="button" class="remove-button" title="Remove this chart" onClick={() => removeChart(i())}>
                ×
              </button>
            </div>
          )}
        </For>
        <div class="chart-box">
          <BarChart title={`${label(config().distribution)}: distribution now`} name={config().distribution} bars={histogram()} />
        </div>
      </div>
      <div class="attention">
        <section aria-label="Offline longest">
          <h2>Offline longest</h2>
          <Show when={(live.stats()?.offlineLongest.length ?? 0) > 0} fallback={<p class="hint">Every device is online.</p>}>
            <ul>
              <For each={live.stats()?.offlineLongest}>
                {(d) => (
                  <li>
                    <button type="button" class="device-link" onClick={() => props.onOpenDevice(d.serial)}>
                      {d.name ?? d.serial}
                    </button>{' '}
                    <span class="hint">seen {ago(d.lastSeen ?? d.createdAt, props.now())}</span>
                  </li>
                )}
              </For>
            </ul>
          </Show>
        </section>
        <section aria-label="Outliers">
          <h2>Outliers: {label(config().distribution)}</h2>
          <Show when={(live.stats()?.outliers.length ?? 0) > 0} fallback={<p class="hint">No device is far from the rest.</p>}>
            <ul>
              <For each={live.stats()?.outliers}>
                {(o) => (
                  <li>
                    <button type="button" class="device-link" onClick={() => props.onOpenDevice(o.device.serial)}>
                      {o.device.name ?? o.device.serial}
                    </button>{' '}
                    {formatValue(config().distribution, o.value)}{' '}
                    <span class="hint">
                      ({o.deviation > 0 ? '+' : ''}
                      {o.deviation.toFixed(1)} σ)
                    </span>
                  </li>
                )}
              </For>
            </ul>
          </Show>
        </section>
      </div>
    </section>
  );
}
