import 'uplot/dist/uPlot.min.css';
import { type Accessor, createEffect, createSignal, For, onCleanup, onMount, Show } from 'solid-js';
import uPlot from 'uplot';
import { timeValueAxes } from '../chart-axes.ts';
import { formatValue } from '../format.ts';
import type { ChartData } from '../overview.ts';
import { readoutTime } from '../time-range.ts';

const COLORS = ['#0b63c5', '#d9480f', '#2b8a3e', '#862e9c', '#e67700', '#1098ad', '#c2255c', '#5c940d', '#364fc7', '#a61e4d'];
export const colorOf = (i: number) => COLORS[i % COLORS.length] as string;

interface LineChartProps {
  title: string;
  /** The parameter, for its unit and scale. */
  name: string;
  data: Accessor<ChartData>;
  height?: number;
}

/** Several lines on one time axis (uPlot); hovering reads out every line at that time. */
export function LineChart(props: LineChartProps) {
  let host: HTMLDivElement | undefined;
  let plot: uPlot | undefined;
  let shape = '';
  const [readout, setReadout] = createSignal<Array<{ label: string; text: string; color: string }> | null>(null);
  const [readoutAt, setReadoutAt] = createSignal('');
  const height = () => props.height ?? 160;

  const build = (labels: string[]) => {
    if (!host) return;
    plot?.destroy();
    const style = getComputedStyle(host);
    plot = new uPlot(
      {
        width: host.clientWidth || 300,
        height: height(),
        legend: { show: false },
        cursor: { show: true, x: true, y: false, points: { size: 6 }, drag: { x: false, y: false } },
        scales: { x: { time: true } },
        axes: timeValueAxes(style.color, () => props.name),
        series: [
          {},
          ...labels.map((label, i) => ({
            label,
            stroke: colorOf(i),
            width: 2,
            spanGaps: false,
            points: { show: (u: uPlot) => (u.data[0]?.length ?? 0) < 60, size: 5 },
          })),
        ],
        hooks: {
          setCursor: [
            (u) => {
              const i = u.cursor.idx;
              if (i === null || i === undefined) {
                setReadout(null);
                return;
              }
              const t = u.data[0]?.[i];
              setReadoutAt(t === undefined ? '' : readoutTime(t * 1000));
              setReadout(
                labels.map((label, s) => {
                  const v = u.data[s + 1]?.[i];
                  return { label, color: colorOf(s), text: v === null || v === undefined ? '–' : formatValue(props.name, v) };
                }),
              );
            },
          ],
        },
      },
      [[], ...labels.map(() => [])],
      host,
    );
  };

  onMount(() => {
    const resize = new ResizeObserver(() => plot?.setSize({ width: host?.clientWidth ?? 300, height: height() }));
    if (host) resize.observe(host);
    onCleanup(() => {
      resize.disconnect();
      plot?.destroy();
    });
  });
  createEffect(() => {
    const d = props.data();
    // A new set of lines needs a new plot; new values only new data.
    const next = d.labels.join('\u0000');
    if (next !== shape || !plot) {
      shape = next;
      build(d.labels);
    }
    plot?.setData([d.t, ...d.values] as uPlot.AlignedData);
    host?.setAttribute('data-points', String(d.t.length));
    host?.setAttribute('data-lines', String(d.labels.length));
  });
  return (
    <figure class="fleet-chart">
      <figcaption>
        <span>{props.title}</span>
        <Show when={props.data().labels.length > 1}>
          <span class="legend">
            <For each={props.data().labels}>
              {(label, i) => (
                <span class="legend-item">
                  <span class="swatch" style={{ background: colorOf(i()) }} />
                  {label}
                </span>
              )}
            </For>
          </span>
        </Show>
      </figcaption>
      <div ref={host} class="trend-plot" />
      <output class="readout" aria-live="off" data-empty={readout() === null ? '' : undefined}>
        <Show when={readout()} fallback={<span class="hint">Hover the chart to read values.</span>}>
          {(lines) => (
            <>
              <span>{readoutAt()}</span>
              <For each={lines()}>
                {(l) => (
                  <span class="readout-line">
                    <span class="swatch" style={{ background: l.color }} />
                    {l.label}: {l.text}
                  </span>
                )}
              </For>
            </>
          )}
        </Show>
      </output>
    </figure>
  );
}
