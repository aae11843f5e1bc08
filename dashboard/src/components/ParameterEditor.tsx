import { createMemo, createSignal, For, Show } from 'solid-js';
import { useConnection } from '../clients.ts';
import type { CatalogueQuery, Quantity } from '../gql/graphql.ts';
import { createParameterEditor } from '../parameters.ts';

const QUANTITIES: Quantity[] = ['MEASUREMENT', 'COUNTER', 'IDENTIFIER'];

/** The catalogue's display metadata (admins): label, unit, kind of quantity, decimals shown. */
export function ParameterEditor(props: { parameters: CatalogueQuery['parameters']; reload: () => Promise<void> }) {
  const editor = createParameterEditor(useConnection().client, props.reload);
  const [name, setName] = createSignal('');
  const current = createMemo(() => props.parameters.find((p) => p.name === name()) ?? props.parameters[0]);
  let labelInput: HTMLInputElement | undefined;
  let unitInput: HTMLInputElement | undefined;
  let quantityInput: HTMLSelectElement | undefined;
  let precisionInput: HTMLInputElement | undefined;
  return (
    <details class="parameters-menu">
      <summary>Parameters</summary>
      <div class="access-body">
        <Show when={current()} fallback={<p class="hint">No parameters yet.</p>}>
          {(p) => (
            <form
              class="inline-form"
              aria-label="How a parameter is shown"
              onSubmit={(e) => {
                e.preventDefault();
                const precision = precisionInput?.value.trim() ?? '';
                void editor.save(p().name, {
                  label: labelInput?.value ?? null,
                  unit: unitInput?.value ?? null,
                  quantity: (quantityInput?.value || null) as Quantity | null,
                  precision: precision === '' ? null : Number(precision),
                });
              }}
            >
              <label>
                Parameter
                <select name="parameter" value={p().name} onChange={(e) => setName(e.currentTarget.value)}>
                  <For each={props.parameters}>{(q) => <option value={q.name}>{q.name}</option>}</For>
                </select>
              </label>
              <label>
                Label
                <input ref={labelInput} name="parameter-label" value={p().label} maxLength={60} />
              </label>
              <label>
                Unit
                <input ref={unitInput} name="parameter-unit" value={p().unit ?? ''} maxLength={16} />
              </label>
              <label>
                Kind
                <select ref={quantityInput} name="parameter-quantity" value={p().quantity}>
                  <For each={QUANTITIES}>{(q) => <option value={q}>{q.toLowerCase()}</option>}</For>
                </select>
              </label>
              <label>
                Decimals
                <input
                  ref={precisionInput}
                  name="parameter-precision"
                  type="number"
                  min="0"
                  max="6"
                  value={p().precision ?? ''}
                />
              </label>
              <button type="submit">Save for everyone</button>
              <Show when={editor.saved() === p().name}>
                <span role="status">Saved.</span>
              </Show>
            </form>
          )}
        </Show>
        <p class="error" role="alert">
          {editor.error()}
        </p>
      </div>
    </details>
  );
}
