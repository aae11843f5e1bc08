import { For } from 'solid-js';
import type { Access } from '../access.ts';
import { localDateTime } from '../format.ts';
import { RevokeOrRevoked, SecretOnce } from './Secrets.tsx';

/** The enrollment keys a user may see, a new one (its secret shown once), and revoking one. */
export function EnrollmentKeys(props: { access: Access }) {
  let keyLabel: HTMLInputElement | undefined;
  return (
    <section aria-label="Enrollment keys">
      <h3>Enrollment keys</h3>
      <p class="meta">A device that connects with one and a new serial becomes its owner's.</p>
      <ul>
        <For each={props.access.keys()} fallback={<li class="meta">None.</li>}>
          {(k) => (
            <li>
              {k.label} ({k.owner}) · {localDateTime(k.createdAt)}
              <RevokeOrRevoked revokedAt={k.revokedAt} onRevoke={() => void props.access.revokeKey(k.id)} />
            </li>
          )}
        </For>
      </ul>
      <form
        class="inline-form"
        aria-label="New enrollment key"
        onSubmit={(e) => {
          e.preventDefault();
          void props.access.createKey(keyLabel?.value || null);
        }}
      >
        <label>
          Label
          <input ref={keyLabel} maxLength={100} placeholder="installer" />
        </label>
        <button type="submit">New key</button>
      </form>
      <SecretOnce secret={props.access.secret()}>Shown once:</SecretOnce>
    </section>
  );
}
