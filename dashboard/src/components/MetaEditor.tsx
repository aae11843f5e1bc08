import { createSignal, Show } from 'solid-js';
import { useConnection } from '../clients.ts';
import { createDeviceMeta, formatLabels, parseGroups, parseLabels } from '../device-meta.ts';

/** A device's display name, labels and groups, editable by whoever may edit the device. */
export function MetaEditor(props: { serial: string }) {
  const meta = createDeviceMeta(useConnection().client, props.serial);
  const [problem, setProblem] = createSignal<string | null>(null);
  const [saved, setSaved] = createSignal(false);
  let name: HTMLInputElement | undefined;
  let labels: HTMLInputElement | undefined;
  let groups: HTMLInputElement | undefined;
  return (
    <details class="meta-editor">
      <summary>
        Name and labels
        <Show when={meta.meta()?.name}>{(n) => <span class="hint"> · {n()}</span>}</Show>
      </summary>
      <Show when={meta.meta()} fallback={<p class="hint">Loading…</p>}>
        {(m) => (
          <form
            class="inline-form"
            aria-label="Name and labels"
            onSubmit={async (e) => {
              e.preventDefault();
              const parsed = parseLabels(labels?.value ?? '');
              if (typeof parsed === 'string') return setProblem(parsed);
              setProblem(null);
              setSaved(await meta.save(name?.value ?? '', parsed, parseGroups(groups?.value ?? '')));
            }}
          >
            <label>
              Name
              <input ref={name} name="device-name" value={m().name ?? ''} maxLength={100} placeholder="Roof east" />
            </label>
            <label>
              Labels
              <input
                ref={labels}
                name="device-labels"
                value={formatLabels(m().labels)}
                placeholder="site=vienna, customer=acme"
              />
            </label>
            <label>
              Groups
              <input ref={groups} name="device-groups" value={m().groups.join(', ')} placeholder="pilot, north" />
            </label>
            <button type="submit">Save</button>
            <Show when={saved() && !meta.error()}>
              <span role="status">Saved.</span>
            </Show>
          </form>
        )}
      </Show>
      <p class="error" role="alert">
        {problem() ?? meta.error()}
      </p>
    </details>
  );
}
