import 'uplot/dist/uPlot.min.css';
import { type Accessor, createEffect, onCleanup, onMount } from 'solid-js';
import uPlot from 'uplot';
import { label, unit } from '../format.ts';
import type { Series } from '../time-range.ts';

interface TrendChartProps {
  name: string;
  series: Series;
  /** The shown window, ms: [since, until). */
  window: Accessor<{ since: number; until: number }>;
}

/**
 * A line chart of one numeric parameter (uPlot: canvas, made for streaming series). Bucketed history
 * draws the average with a band from the bucket's minimum to its maximum.
 */
export function TrendChart(props: TrendChartProps) {
  let host: HTMLDivElement | undefined;
  let plot: uPlot | undefined;
  onMount(() => {
    if (!host) return;
    const style = getComputedStyle(host);
    const accent = style.getPropertyValue('--accent').trim() || '#0b63c5';
    const faint = 'rgba(128,128,128,.35)';
    plot = new uPlot(
      {
        width: host.clientWidth || 300,
        height: 110,
        legend: { show: false },
        cursor: { show: false },
        scales: { x: { time: true } },
        axes: [
          { stroke: style.color, grid: { stroke: 'rgba(128,128,128,.15)' }, size: 28 },
          {
            stroke: style.color,
            grid: { stroke: 'rgba(128,128,128,.15)' },
            // Wide enough for the longest tick label, so large numbers are not cut.
            size: (_u, values) => 16 + 7.5 * Math.max(3, ...(values ?? []).map((v) => String(v).length)),
          },
        ],
        series: [
          {},
          { stroke: accent, width: 2, points: { show: (u) => (u.data[0]?.length ?? 0) < 120, size: 5 } },
          { stroke: faint, width: 1, points: { show: false } },
          { stroke: faint, width: 1, points: { show: false } },
        ],
        bands: [{ series: [2, 3], fill: 'rgba(128,128,128,.18)' }],
      },
      [[], [], [], []],
      host,
    );
    const resize = new ResizeObserver(() => plot?.setSize({ width: host?.clientWidth ?? 300, height: 110 }));
    resize.observe(host);
    onCleanup(() => {
      resize.disconnect();
      plot?.destroy();
    });
  });
  createEffect(() => {
    const { since, until } = props.window();
    const { t, v, lo, hi } = props.series;
    // Reading the arrays' lengths makes new points redraw at once, not on the next tick.
    void t.length;
    plot?.setData([t.slice(), v.slice(), hi.slice(), lo.slice()], false);
    plot?.setScale('x', { min: since / 1000, max: until / 1000 });
    host?.setAttribute('data-points', String(t.filter((x) => x >= since / 1000 && x < until / 1000 + 1).length));
  });
  return (
    <figure class="trend">
      <figcaption>
        {label(props.name)}
        {unit(props.name) ? ` (${unit(props.name)})` : ''}
      </figcaption>
      <div ref={host} class="trend-plot" data-name={props.name} />
    </figure>
  );
}
