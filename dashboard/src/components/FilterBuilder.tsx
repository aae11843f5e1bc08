import { createSignal, For, Show } from 'solid-js';
import { label } from '../format.ts';
import type { Condition, FilterOp } from '../gql/graphql.ts';
import { FILTER_OPS } from '../view-state.ts';

interface FilterBuilderProps {
  where: Condition[];
  fields: string[];
  onChange: (where: Condition[]) => void;
}

const needsValue = (op: FilterOp) => FILTER_OPS.find((o) => o.op === op)?.needsValue ?? true;

/** Conditions as sentences: field, operator in plain words, value; each can be removed. */
export function FilterBuilder(props: FilterBuilderProps) {
  let typing: ReturnType<typeof setTimeout> | undefined;
  const [drafts, setDrafts] = createSignal<Record<number, string>>({});
  const update = (i: number, patch: Partial<Condition>) =>
    props.onChange(
      props.where.map((c, k) =>
        k === i ? { ...c, ...patch, value: needsValue(patch.op ?? c.op) ? (patch.value ?? c.value ?? '') : null } : c,
      ),
    );
  const typeValue = (i: number, value: string) => {
    setDrafts({ ...drafts(), [i]: value });
    clearTimeout(typing);
    // Filter while typing, without a query per keystroke.
    typing = setTimeout(() => {
      update(i, { value });
      setDrafts({});
    }, 300);
  };
  return (
    <fieldset class="filters">
      <legend>Filter</legend>
      <For each={props.where}>
        {(c, i) => (
          <fieldset class="condition" aria-label={`Condition ${i() + 1}`}>
            <select aria-label="Field" value={c.field} onChange={(e) => update(i(), { field: e.currentTarget.value })}>
              <For each={[...new Set([c.field, ...props.fields])]}>{(f) => <option value={f}>{label(f)}</option>}</For>
            </select>
            <select aria-label="Operator" value={c.op} onChange={(e) => update(i(), { op: e.currentTarget.value as FilterOp })}>
              <For each={FILTER_OPS}>{(o) => <option value={o.op}>{o.label}</option>}</For>
            </select>
            <Show when={needsValue(c.op)}>
              <input
                aria-label="Value"
                type="text"
                value={drafts()[i()] ?? c.value ?? ''}
                onInput={(e) => typeValue(i(), e.currentTarget.value)}
                onKeyDown={(e) => {
                  if (e.key !== 'Enter') return;
                  // Read before clearing the draft: clearing re-renders the input with the old value.
                  const value = e.currentTarget.value;
                  clearTimeout(typing);
                  update(i(), { value });
                  setDrafts({});
                }}
              />
            </Show>
            <button
              type="button"
              class="remove"
              aria-label={`Remove condition ${i() + 1}`}
              onClick={() => props.onChange(props.where.filter((_, k) => k !== i()))}
            >
              ✕
            </button>
          </fieldset>
        )}
      </For>
      <button
        type="button"
        class="add"
        onClick={() => props.onChange([...props.where, { field: 'serial', op: 'CONTAINS', value: '' }])}
      >
        + Add condition
      </button>
    </fieldset>
  );
}
