import { createSignal, For, Show } from 'solid-js';
import { formatValue } from '../format.ts';

interface Bar {
  from: number;
  to: number;
  count: number;
}

/** A distribution as bars (plain SVG: a dozen bars need no chart library); hovering a bar reads it out. */
export function BarChart(props: { title: string; name: string; bars: Bar[] }) {
  const [hover, setHover] = createSignal<number | null>(null);
  const top = () => Math.max(1, ...props.bars.map((b) => b.count));
  const width = () => 100 / Math.max(1, props.bars.length);
  const text = (b: Bar) => `${formatValue(props.name, b.from)} – ${formatValue(props.name, b.to)}: ${b.count} device(s)`;
  return (
    <figure class="fleet-chart distribution">
      <figcaption>{props.title}</figcaption>
      <svg viewBox="0 0 100 40" preserveAspectRatio="none" role="img" aria-label={props.title} data-bars={props.bars.length}>
        <For each={props.bars}>
          {(b, i) => (
            // biome-ignore lint/a11y/noStaticElementInteractions: the readout below repeats it as text
            <rect
              x={i() * width() + 0.4}
              width={Math.max(0.2, width() - 0.8)}
              y={40 - (38 * b.count) / top()}
              height={(38 * b.count) / top()}
              class={hover() === i() ? 'bar hover' : 'bar'}
              onMouseEnter={() => setHover(i())}
              onMouseLeave={() => setHover(null)}
            >
              <title>{text(b)}</title>
            </rect>
          )}
        </For>
      </svg>
      <output class="readout" aria-live="off">
        <Show
          when={hover() !== null && props.bars[hover() as number]}
          fallback={<span class="hint">Hover a bar to read it.</span>}
        >
          {(b) => text(b())}
        </Show>
      </output>
    </figure>
  );
}
