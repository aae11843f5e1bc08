import { createMemo, createSignal, For } from 'solid-js';
import { label } from '../format.ts';
import type { CatalogueQuery, FleetAgg } from '../gql/graphql.ts';
import { DEFAULT_OVERVIEW, MAX_CHARTS, MAX_TILES, type OverviewConfig, type TileAgg } from '../overview.ts';

const AGGS: ReadonlyArray<{ agg: FleetAgg; text: string }> = [
  { agg: 'SUM', text: 'total' },
  { agg: 'AVG', text: 'average' },
  { agg: 'MIN', text: 'least' },
  { agg: 'MAX', text: 'greatest' },
];

/** Pins tiles and charts; what it saves is the user's (OverviewConfig, remembered by overview.ts). */
export function OverviewEditor(props: {
  config: OverviewConfig;
  parameters: CatalogueQuery['parameters'];
  onSave: (config: OverviewConfig) => void;
}) {
  // Only what can be summed or averaged: numbers that measure or count.
  const numeric = createMemo(() => props.parameters.filter((p) => p.kind === 'NUMBER' && p.quantity !== 'IDENTIFIER'));
  const [problem, setProblem] = createSignal<string | null>(null);
  let tileName: HTMLSelectElement | undefined;
  let tileAgg: HTMLSelectElement | undefined;
  let chartName: HTMLSelectElement | undefined;
  let chartAgg: HTMLSelectElement | undefined;
  let chartGroup: HTMLInputElement | undefined;
  const options = () => (
    <For each={numeric()}>
      {(p) => (
        <option value={p.name}>
          {p.label} ({p.name})
        </option>
      )}
    </For>
  );
  return (
    <details class="overview-editor">
      <summary>Customize</summary>
      <div class="access-body">
        <form
          class="inline-form"
          aria-label="Add a tile"
          onSubmit={(e) => {
            e.preventDefault();
            if (props.config.tiles.length >= MAX_TILES) return setProblem(`At most ${MAX_TILES} tiles.`);
            setProblem(null);
            props.onSave({
              ...props.config,
              tiles: [...props.config.tiles, { name: tileName?.value ?? '', agg: (tileAgg?.value ?? 'SUM') as TileAgg }],
            });
          }}
        >
          <label>
            Tile
            <select ref={tileName} name="tile-name" required>
              {options()}
            </select>
          </label>
          <label>
            Shows
            <select ref={tileAgg} name="tile-agg">
              <For each={AGGS}>{(a) => <option value={a.agg}>{a.text}</option>}</For>
            </select>
          </label>
          <button type="submit">Add tile</button>
        </form>
        <form
          class="inline-form"
          aria-label="Add a chart"
          onSubmit={(e) => {
            e.preventDefault();
            if (props.config.charts.length >= MAX_CHARTS) return setProblem(`At most ${MAX_CHARTS} charts.`);
            const groupBy = chartGroup?.value.trim() || null;
            if (groupBy && !/^(meta:group|label:[A-Za-z0-9._-]+|[A-Za-z0-9._-]+)$/.test(groupBy))
              return setProblem('Group by meta:group, label:<key> or a parameter.');
            setProblem(null);
            props.onSave({
              ...props.config,
              charts: [
                ...props.config.charts,
                { name: chartName?.value ?? '', agg: (chartAgg?.value ?? 'SUM') as FleetAgg, groupBy },
              ],
            });
          }}
        >
          <label>
            Chart
            <select ref={chartName} name="chart-name" required>
              {options()}
            </select>
          </label>
          <label>
            Shows
            <select ref={chartAgg} name="chart-agg">
              <For each={AGGS}>{(a) => <option value={a.agg}>{a.text}</option>}</For>
            </select>
          </label>
          <label>
            Grouped by
            <input ref={chartGroup} name="chart-group" placeholder="label:site" list="group-fields" maxLength={80} />
            <datalist id="group-fields">
              <option value="meta:group" />
              <option value="country" />
            </datalist>
          </label>
          <button type="submit">Add chart</button>
        </form>
        <form class="inline-form" aria-label="Distribution" onSubmit={(e) => e.preventDefault()}>
          <label>
            Distribution and outliers of
            <select
              name="distribution"
              value={props.config.distribution}
              onChange={(e) => props.onSave({ ...props.config, distribution: e.currentTarget.value })}
            >
              {options()}
              <option value={props.config.distribution}>{label(props.config.distribution)}</option>
            </select>
          </label>
          <button type="button" onClick={() => props.onSave(DEFAULT_OVERVIEW)}>
            Back to the defaults
          </button>
        </form>
        <p class="error" role="alert">
          {problem()}
        </p>
      </div>
    </details>
  );
}
