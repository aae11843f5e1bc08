import { For } from 'solid-js';
import type { Access } from '../access.ts';
import { localDateTime } from '../format.ts';

/** Devices that connected without a credential: an admin assigns each to an owner, or rejects it. */
export function UnclaimedDevices(props: { access: Access }) {
  return (
    <section aria-label="Unclaimed devices">
      <h3>Unclaimed devices</h3>
      <ul>
        <For each={props.access.unclaimed()} fallback={<li class="meta">None.</li>}>
          {(d) => {
            let owner: HTMLSelectElement | undefined;
            return (
              <li>
                <strong>{d.serial}</strong> · {d.online ? 'online' : `last seen ${localDateTime(d.lastSeen ?? null)}`}{' '}
                <select ref={owner} aria-label={`Owner for ${d.serial}`}>
                  <For each={props.access.users()}>{(u) => <option value={u.username}>{u.username}</option>}</For>
                </select>{' '}
                <button type="button" onClick={() => void props.access.assign(d.serial, owner?.value ?? null)}>
                  Assign
                </button>{' '}
                <button type="button" onClick={() => void props.access.reject(d.serial)}>
                  Reject
                </button>
              </li>
            );
          }}
        </For>
      </ul>
    </section>
  );
}
