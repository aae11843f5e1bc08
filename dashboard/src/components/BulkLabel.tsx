import { createSignal, Show } from 'solid-js';
import { useConnection } from '../clients.ts';
import { createBulkLabels, parseGroups, parseLabels } from '../device-meta.ts';
import type { Condition } from '../gql/graphql.ts';

/** Labels or groups every device the current filter matches, after a confirmation that says how many. */
export function BulkLabel(props: { where: Condition[]; matching: number }) {
  const bulk = createBulkLabels(useConnection().client);
  const [problem, setProblem] = createSignal<string | null>(null);
  let set: HTMLInputElement | undefined;
  let remove: HTMLInputElement | undefined;
  let add: HTMLInputElement | undefined;
  let drop: HTMLInputElement | undefined;
  return (
    <details class="bulk-label">
      <summary>Label these</summary>
      <div class="access-body">
        <form
          class="inline-form"
          aria-label="Label the devices that match"
          onSubmit={async (e) => {
            e.preventDefault();
            const labels = parseLabels(set?.value ?? '');
            if (typeof labels === 'string') return setProblem(labels);
            setProblem(null);
            if (!confirm(`Change the labels of the ${props.matching} device(s) that match?`)) return;
            await bulk.apply(props.where, {
              setLabels: labels,
              removeLabels: parseGroups(remove?.value ?? ''),
              addGroups: parseGroups(add?.value ?? ''),
              removeGroups: parseGroups(drop?.value ?? ''),
            });
          }}
        >
          <label>
            Set labels
            <input ref={set} name="bulk-set" placeholder="site=vienna" />
          </label>
          <label>
            Remove labels
            <input ref={remove} name="bulk-remove" placeholder="site" />
          </label>
          <label>
            Add to groups
            <input ref={add} name="bulk-add" placeholder="pilot" />
          </label>
          <label>
            Remove from groups
            <input ref={drop} name="bulk-drop" placeholder="north" />
          </label>
          <button type="submit">Apply to {props.matching} device(s)</button>
        </form>
        <Show when={bulk.done()}>{(d) => <p role="status">{d()}</p>}</Show>
        <p class="error" role="alert">
          {problem() ?? bulk.error()}
        </p>
      </div>
    </details>
  );
}
