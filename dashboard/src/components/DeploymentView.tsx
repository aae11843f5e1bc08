import { For, Show } from 'solid-js';
import { useConnection } from '../clients.ts';
import { createDeploymentView, deviceStates, deviceTotal, isFinished } from '../updates.ts';

/** A deployment as it runs: phase, counts per state, failures with their reasons, pause/resume/cancel. */
export function DeploymentView(props: { id: number }) {
  const view = createDeploymentView(useConnection().client, props.id);
  return (
    <section class="job deployment" aria-label={`Deployment ${props.id}`}>
      <Show when={view.deployment()} fallback={<p class="meta">Loading deployment {props.id}…</p>}>
        {(d) => (
          <>
            <p>
              <strong>
                {d().release?.name} {d().release?.version}
              </strong>{' '}
              to {deviceTotal(d())} device(s) · <span data-deployment-state={d().state}>{d().state.toLowerCase()}</span> · phase{' '}
              {d().phase} of {d().phases.length} ({d().phases.join(' → ')} %)
              <Show when={d().state === 'RUNNING'}>
                {' '}
                <button type="button" onClick={() => void view.pause()}>
                  Pause
                </button>
              </Show>
              <Show when={d().state === 'PAUSED'}>
                {' '}
                <button type="button" onClick={() => void view.resume()}>
                  Resume
                </button>
              </Show>
              <Show when={d().state === 'RUNNING' || d().state === 'PAUSED'}>
                {' '}
                <button type="button" onClick={() => void view.cancel()}>
                  Cancel
                </button>
              </Show>
            </p>
            <Show when={d().reason}>{(r) => <p class="error">{r()}</p>}</Show>
            <dl class="counts">
              <For each={deviceStates(d()).filter((s) => d().counts[s] > 0)}>
                {(state) => (
                  <>
                    <dt>{state.toLowerCase().replace('_', ' ')}</dt>
                    <dd data-state={state}>{d().counts[state]}</dd>
                  </>
                )}
              </For>
            </dl>
            <Show when={!isFinished(d())}>
              <p class="meta">A device counts as healthy once online on the new version and sending for {d().healthSeconds} s.</p>
            </Show>
            <ul class="problems">
              <For each={view.problems()}>
                {(p) => (
                  <li>
                    {p.serial}: {p.state.toLowerCase().replace('_', ' ')} {p.reason ?? ''}
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
