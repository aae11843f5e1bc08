import { Show } from 'solid-js';
import { createAccess } from '../access.ts';
import { useHttpClient } from '../clients.ts';
import { Accounts } from './Accounts.tsx';
import { EnrollmentKeys } from './EnrollmentKeys.tsx';
import { UnclaimedDevices } from './UnclaimedDevices.tsx';

/** Enrollment keys for everyone; for admins also the unclaimed devices and the accounts. */
export function AccessPanel(props: { admin: boolean }) {
  const access = createAccess(useHttpClient(), () => props.admin);
  return (
    <details class="access" onToggle={(e) => e.currentTarget.open && void access.load()}>
      <summary>{props.admin ? 'Devices & accounts' : 'Enrollment keys'}</summary>
      <div class="access-body">
        <Show when={props.admin}>
          <UnclaimedDevices access={access} />
        </Show>
        <EnrollmentKeys access={access} />
        <Show when={props.admin}>
          <Accounts access={access} />
        </Show>
        <Show when={access.notice()}>
          {(n) => (
            <p class="notice" role="status">
              {n()}
            </p>
          )}
        </Show>
        <Show when={access.problem()}>{(p) => <p class="error">{p()}</p>}</Show>
      </div>
    </details>
  );
}
