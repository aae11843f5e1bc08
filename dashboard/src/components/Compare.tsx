import { createMemo, createSignal, For, Show } from 'solid-js';
import { useConnection } from '../clients.ts';
import { createCompare } from '../compare.ts';
import type { CatalogueQuery } from '../gql/graphql.ts';
import { RANGES, type RangeId } from '../overview.ts';
import { LineChart } from './LineChart.tsx';

/** Chosen devices side by side: one parameter, one chart, a line per device. */
export function Compare(props: { serials: string[]; parameters: CatalogueQuery['parameters']; onBack: () => void }) {
  const numeric = createMemo(() => props.parameters.filter((p) => p.kind === 'NUMBER' && p.quantity !== 'IDENTIFIER'));
  const [name, setName] = createSignal<string>('');
  const chosen = () => name() || (numeric().find((p) => p.name === 'battery') ?? numeric()[0])?.name || 'battery';
  const [range, setRange] = createSignal<RangeId>('24h');
  const compare = createCompare(useConnection().client, () => props.serials, chosen, range);
  return (
    <section class="compare" aria-label="Compare devices">
      <div class="overview-bar">
        <button type="button" onClick={() => props.onBack()}>
          ← Devices
        </button>
        <label>
          Parameter
          <select name="compare-name" value={chosen()} onChange={(e) => setName(e.currentTarget.value)}>
            <For each={numeric()}>{(p) => <option value={p.name}>{p.label}</option>}</For>
          </select>
        </label>
        <fieldset class="range-buttons" aria-label="Range">
          <For each={RANGES}>
            {(r) => (
              <button type="button" aria-pressed={range() === r.id} onClick={() => setRange(r.id)}>
                {r.label}
              </button>
            )}
          </For>
        </fieldset>
        <Show when={compare.error()}>{(e) => <span class="error">{e()}</span>}</Show>
      </div>
      <Show when={props.serials.length > 0} fallback={<p class="hint">Select devices in the table, then Compare.</p>}>
        <Show when={compare.data()} fallback={<p class="hint">Loading…</p>}>
          {(data) => <LineChart title={`${props.serials.join(', ')}`} name={chosen()} data={data} height={260} />}
        </Show>
      </Show>
    </section>
  );
}
