import { createSignal, For, Show } from 'solid-js';
import { useConnection } from '../clients.ts';
import { localDateTime } from '../format.ts';
import type { Condition } from '../gql/graphql.ts';
import { createUpdates, deviceTotal } from '../updates.ts';
import { DeploymentView } from './DeploymentView.tsx';

/** Signed releases (deployable to the devices the filter matches) and recent deployments, one open live. */
export function UpdatesMenu(props: { where: Condition[]; matching: number }) {
  const updates = createUpdates(useConnection().client);
  const [open, setOpen] = createSignal<number | null>(null);
  const [phases, setPhases] = createSignal('10,50,100');
  const [health, setHealth] = createSignal(60);
  return (
    <details class="jobs-menu updates-menu" onToggle={(e) => e.currentTarget.open && void updates.load()}>
      <summary>Updates</summary>
      <div class="access-body">
        <h3>Releases</h3>
        <p class="meta">
          Publish with <code>npm run release -- publish</code>. Deploying sends a release to the {props.matching} device(s) the
          filter matches{props.where.length === 0 ? ' (every device you may command)' : ''}.
        </p>
        <div class="inline-form">
          <label>
            Phases (%) <input value={phases()} size={10} onInput={(e) => setPhases(e.currentTarget.value)} />
          </label>
          <label>
            Healthy after (s){' '}
            <input type="number" min="0" value={health()} onInput={(e) => setHealth(Number(e.currentTarget.value))} />
          </label>
        </div>
        <ul class="releases">
          <For each={updates.releases()} fallback={<li class="meta">No releases yet.</li>}>
            {(r) => (
              <li>
                <strong>
                  {r.name} {r.version}
                </strong>{' '}
                · {r.kind.toLowerCase()} · {Math.round(r.size / 1024)} KiB · sha256{' '}
                <code title={r.sha256}>{r.sha256.slice(0, 12)}…</code> · {r.publishedBy ?? 'lab mode'} ·{' '}
                {localDateTime(r.createdAt)}{' '}
                <button
                  type="button"
                  onClick={async () => {
                    const id = await updates.deploy(r.id, props.where, phases(), health());
                    if (id !== null) {
                      setOpen(id);
                      await updates.load();
                    }
                  }}
                >
                  Deploy
                </button>
                <Show when={r.notes}>
                  <p class="meta notes">{r.notes}</p>
                </Show>
              </li>
            )}
          </For>
        </ul>
        <h3>Deployments</h3>
        <ul>
          <For each={updates.deployments()} fallback={<li class="meta">No deployments yet.</li>}>
            {(d) => (
              <li>
                <button type="button" class="device-link" onClick={() => setOpen(d.id)}>
                  {d.release?.name} {d.release?.version}
                </button>{' '}
                · {deviceTotal(d)} device(s) · {d.counts.HEALTHY} healthy · {d.state.toLowerCase()} · {localDateTime(d.createdAt)}
              </li>
            )}
          </For>
        </ul>
        <Show when={open()} keyed>
          {(id) => <DeploymentView id={id} />}
        </Show>
        <Show when={updates.problem()}>{(p) => <p class="error">{p()}</p>}</Show>
      </div>
    </details>
  );
}
