import 'uplot/dist/uPlot.min.css';
import { type Accessor, createEffect, createSignal, onCleanup, onMount, Show } from 'solid-js';
import uPlot from 'uplot';
import type { AlertMark } from '../alerts.ts';
import { timeValueAxes } from '../chart-axes.ts';
import { formatValue, label, unit } from '../format.ts';
import { readoutTime, type Series } from '../time-range.ts';

interface TrendChartProps {
  name: string;
  /** What to draw: the series in the window with held values (heldSeries). */
  series: Accessor<Series>;
  /** The shown window, ms: [since, until). */
  window: Accessor<{ since: number; until: number }>;
  /** Alert transitions of rules on this parameter: a line where each fired (red) or resolved (green). */
  marks?: Accessor<AlertMark[]>;
}

/**
 * A line chart of one numeric parameter (uPlot: canvas, made for streaming series). Bucketed history
 * draws the average with a band from the bucket's minimum to its maximum; hovering reads out a point.
 */
export function TrendChart(props: TrendChartProps) {
  let host: HTMLDivElement | undefined;
  let plot: uPlot | undefined;
  const [readout, setReadout] = createSignal<string | null>(null);
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
        cursor: { show: true, x: true, y: false, points: { size: 7 }, drag: { x: false, y: false } },
        scales: { x: { time: true } },
        axes: timeValueAxes(style.color, () => props.name),
        series: [
          {},
          { stroke: accent, width: 2, points: { show: (u) => (u.data[0]?.length ?? 0) < 120, size: 5 } },
          { stroke: faint, width: 1, points: { show: false } },
          { stroke: faint, width: 1, points: { show: false } },
        ],
        bands: [{ series: [2, 3], fill: 'rgba(128,128,128,.18)' }],
        hooks: {
          draw: [
            (u) => {
              const ctx = u.ctx;
              for (const m of props.marks?.() ?? []) {
                const x = u.valToPos(m.at / 1000, 'x', true);
                if (x < u.bbox.left || x > u.bbox.left + u.bbox.width) continue;
                ctx.save();
                ctx.strokeStyle = m.firing ? '#c62828' : '#2e7d32';
                ctx.lineWidth = 2;
                ctx.setLineDash([4, 3]);
                ctx.beginPath();
                ctx.moveTo(x, u.bbox.top);
                ctx.lineTo(x, u.bbox.top + u.bbox.height);
                ctx.stroke();
                ctx.restore();
              }
            },
          ],
          setCursor: [
            (u) => {
              const i = u.cursor.idx;
              const t = i === null || i === undefined ? undefined : u.data[0]?.[i];
              const v = i === null || i === undefined ? undefined : u.data[1]?.[i];
              setReadout(
                t === undefined || v === undefined || v === null
                  ? null
                  : `${readoutTime(t * 1000)} · ${formatValue(props.name, v)}`,
              );
            },
          ],
        },
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
    const { t, v, lo, hi } = props.series();
    plot?.setData([t, v, hi, lo], false);
    plot?.setScale('x', { min: since / 1000, max: until / 1000 });
    // For tests and people inspecting: how many points are drawn, and where the line ends.
    host?.setAttribute('data-points', String(t.length));
    host?.setAttribute('data-last', String(t.at(-1) ?? ''));
  });
  createEffect(() => {
    const marks = props.marks?.() ?? [];
    host?.setAttribute('data-marks', String(marks.length));
    host?.setAttribute('title', marks.map((m) => m.title).join('\n'));
    plot?.redraw(false);
  });
  return (
    <figure class="trend">
      <figcaption>
        {label(props.name)}
        {unit(props.name) ? ` (${unit(props.name)})` : ''}
        <Show when={readout()}>
          {(r) => (
            <output class="readout" aria-live="off">
              {r()}
            </output>
          )}
        </Show>
      </figcaption>
      <div ref={host} class="trend-plot" data-name={props.name} />
    </figure>
  );
}
