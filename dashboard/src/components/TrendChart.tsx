import 'uplot/dist/uPlot.min.css';
import { type Accessor, createEffect, onCleanup, onMount } from 'solid-js';
import uPlot from 'uplot';
import { label, unit } from '../format.ts';

export interface Series {
  /** Seconds since the epoch (uPlot's time unit). */
  t: number[];
  v: number[];
}

interface TrendChartProps {
  name: string;
  series: Series;
  /** The window's end, ms; the window is the last `seconds` before it. */
  now: Accessor<number>;
  seconds: number;
}

/** A live line chart of one numeric parameter (uPlot: canvas, made for streaming series). */
export function TrendChart(props: TrendChartProps) {
  let host: HTMLDivElement | undefined;
  let plot: uPlot | undefined;
  onMount(() => {
    if (!host) return;
    const style = getComputedStyle(host);
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
        series: [{}, { stroke: style.getPropertyValue('--accent') || '#0b63c5', width: 2, points: { show: true, size: 5 } }],
      },
      [[], []],
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
    const end = props.now() / 1000;
    const { t, v } = props.series;
    // Reading the arrays' lengths makes new points redraw at once, not on the next tick.
    void t.length;
    plot?.setData([t.slice(), v.slice()], false);
    plot?.setScale('x', { min: end - props.seconds, max: end });
    host?.setAttribute('data-points', String(t.filter((x) => x >= end - props.seconds).length));
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
