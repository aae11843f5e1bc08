import { For, Show } from 'solid-js';
import { useConnection } from '../clients.ts';
import { createDeviceCredentials } from '../device-credentials.ts';
import { localDateTime } from '../format.ts';
import { RevokeOrRevoked, SecretOnce } from './Secrets.tsx';

/** The device's owner and tokens: a new token is shown once, a revoked one disconnects the device. */
export function DeviceCredentials(props: { serial: string }) {
  const creds = createDeviceCredentials(useConnection().client, () => props.serial);
  let label: HTMLInputElement | undefined;
  let days: HTMLInputElement | undefined;
  const create = (e: SubmitEvent) => {
    e.preventDefault();
    void creds.create(label?.value || null, days?.value ? Number(days.value) : null);
  };

  return (
    <section class="credentials" aria-label="Credentials">
      <h3>Credentials</h3>
      <p class="meta">Owner: {creds.owner() ?? 'unclaimed'}</p>
      <ul class="tokens">
        <For each={creds.tokens()} fallback={<li class="meta">No tokens: the device may connect without one.</li>}>
          {(t) => (
            <li>
              {t.label} · made {localDateTime(t.createdAt)}
              {t.expiresAt ? ` · expires ${localDateTime(t.expiresAt)}` : ''}
              <RevokeOrRevoked revokedAt={t.revokedAt} onRevoke={() => void creds.revoke(t.id)} />
            </li>
          )}
        </For>
      </ul>
      <form class="inline-form" onSubmit={create} aria-label="New device token">
        <label>
          Label
          <input ref={label} maxLength={100} placeholder="field unit" />
        </label>
        <label>
          Expires in days
          <input ref={days} type="number" min="1" max="3650" />
        </label>
        <button type="submit">New token</button>
      </form>
      <SecretOnce secret={creds.secret()}>Give this to the device now; it is not shown again:</SecretOnce>
      <Show when={creds.problem()}>{(p) => <p class="error">{p()}</p>}</Show>
    </section>
  );
}
