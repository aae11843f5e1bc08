import { For, Show } from 'solid-js';
import { useConnection } from '../clients.ts';
import { createJobView, isRunning, states, total } from '../jobs.ts';

/** A job as it runs: counts per state, failures with their reasons, cancel. */
export function JobView(props: { id: string }) {
  const view = createJobView(useConnection().client, props.id);
  return (
    <section class="job" aria-label={`Job ${props.id}`}>
      <Show when={view.job()} fallback={<p class="meta">Loading job {props.id}…</p>}>
        {(job) => (
          <>
            <p>
              <strong>{job().name}</strong> to {total(job())} device(s) · {isRunning(job()) ? 'running' : 'finished'}
              <Show when={isRunning(job())}>
                {' '}
                <button type="button" onClick={() => void view.cancel()}>
                  Cancel
                </button>
              </Show>
            </p>
            <dl class="counts">
              <For each={states(job()).filter((s) => job().counts[s] > 0)}>
                {(state) => (
                  <>
                    <dt>{state.toLowerCase()}</dt>
                    <dd data-state={state}>{job().counts[state]}</dd>
                  </>
                )}
              </For>
            </dl>
            <ul class="problems">
              <For each={view.problems()}>
                {(p) => (
                  <li>
                    {p.serial}: {p.state.toLowerCase()} {p.error ?? p.reason ?? ''}
                  </li>
                )}
              </For>
            </ul>
          </>
        )}
      </Show>
      <Show when={view.problem()}>{(p) => <p class="error">{p()}</p>}</Show>
    </section>
  );
}
