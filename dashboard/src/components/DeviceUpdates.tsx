import { For, Show } from 'solid-js';
import { useConnection } from '../clients.ts';
import { localDateTime } from '../format.ts';
import { createDeviceUpdates } from '../updates.ts';

/** A device's software version and the deployments that reached it. */
export function DeviceUpdates(props: { serial: string }) {
  const view = createDeviceUpdates(useConnection().client, props.serial);
  return (
    <section class="device-updates" aria-label="Software">
      <h3>Software</h3>
      <p>
        Version: <strong>{view.data().version ?? 'not reported'}</strong>
      </p>
      <Show when={view.data().updates.length > 0} fallback={<p class="meta">No update has reached it.</p>}>
        <ul>
          <For each={view.data().updates}>
            {(u) => (
              <li>
                {u.deployment.release?.name} {u.deployment.release?.version} (deployment {u.deploymentId}):{' '}
                <span data-state={u.state}>{u.state.toLowerCase().replace('_', ' ')}</span>
                {u.reason ? ` — ${u.reason}` : ''} · from {u.fromVersion ?? '?'} · {localDateTime(u.updatedAt)}
              </li>
            )}
          </For>
        </ul>
      </Show>
    </section>
  );
}
