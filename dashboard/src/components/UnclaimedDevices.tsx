import { For, Show } from 'solid-js';
import type { Access } from '../access.ts';
import { localDateTime } from '../format.ts';

/** Devices that connected without a credential: an admin assigns them (one or many) to an owner, or rejects them. */
export function UnclaimedDevices(props: { access: Access }) {
  let bulkOwner: HTMLSelectElement | undefined;
  return (
    <section aria-label="Unclaimed devices">
      <h3>Unclaimed devices</h3>
      <Show when={props.access.unclaimed().length > 1}>
        <fieldset class="bulk">
          <legend class="visually-hidden">Assign several</legend>
          <label>
            <input
              type="checkbox"
              checked={props.access.chosen().size === props.access.unclaimed().length}
              onChange={(e) => props.access.chooseAll(e.currentTarget.checked)}
            />{' '}
            All
          </label>{' '}
          <select ref={bulkOwner} aria-label="Owner for the selected devices">
            <For each={props.access.users()}>{(u) => <option value={u.username}>{u.username}</option>}</For>
          </select>{' '}
          <button
            type="button"
            disabled={props.access.chosen().size === 0}
            onClick={() => void props.access.assignChosen(bulkOwner?.value ?? null)}
          >
            Assign {props.access.chosen().size} selected
          </button>
        </fieldset>
      </Show>
      <ul>
        <For each={props.access.unclaimed()} fallback={<li class="meta">None.</li>}>
          {(d) => {
            let owner: HTMLSelectElement | undefined;
            return (
              <li>
                <input
                  type="checkbox"
                  aria-label={`Select ${d.serial}`}
                  checked={props.access.chosen().has(d.serial)}
                  onChange={(e) => props.access.choose(d.serial, e.currentTarget.checked)}
                />{' '}
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
