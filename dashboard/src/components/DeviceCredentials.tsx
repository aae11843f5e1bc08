import type { Client } from '@urql/core';
import { createSignal, For, onMount, Show } from 'solid-js';
import { CreateDeviceTokenMutation, DeviceCredentialsQuery, RevokeDeviceTokenMutation } from '../documents.ts';
import { errorText } from '../errors.ts';
import { localDateTime } from '../format.ts';
import { RevokeOrRevoked, SecretOnce } from './Secrets.tsx';

interface Token {
  id: number;
  label: string;
  createdAt: string;
  expiresAt?: string | null;
  revokedAt?: string | null;
}

/** The device's owner and tokens: a new token is shown once, a revoked one disconnects the device. */
export function DeviceCredentials(props: { serial: string; client: Client }) {
  const [owner, setOwner] = createSignal<string | null>(null);
  const [tokens, setTokens] = createSignal<Token[]>([]);
  const [secret, setSecret] = createSignal<string | null>(null);
  const [problem, setProblem] = createSignal<string | null>(null);
  let label: HTMLInputElement | undefined;
  let days: HTMLInputElement | undefined;

  const load = async () => {
    const r = await props.client.query(DeviceCredentialsQuery, { serial: props.serial }).toPromise();
    setProblem(errorText(r.error));
    setOwner(r.data?.device?.owner ?? null);
    setTokens(r.data?.device?.tokens ?? []);
  };
  onMount(() => void load());

  const create = async (e: SubmitEvent) => {
    e.preventDefault();
    const expiresInDays = days?.value ? Number(days.value) : null;
    const r = await props.client
      .mutation(CreateDeviceTokenMutation, { serial: props.serial, label: label?.value || null, expiresInDays })
      .toPromise();
    setProblem(errorText(r.error));
    setSecret(r.data?.createDeviceToken.secret ?? null);
    await load();
  };
  const revoke = async (id: number) => {
    const r = await props.client.mutation(RevokeDeviceTokenMutation, { id }).toPromise();
    setProblem(errorText(r.error));
    await load();
  };

  return (
    <section class="credentials" aria-label="Credentials">
      <h3>Credentials</h3>
      <p class="meta">Owner: {owner() ?? 'unclaimed'}</p>
      <ul class="tokens">
        <For each={tokens()} fallback={<li class="meta">No tokens: the device may connect without one.</li>}>
          {(t) => (
            <li>
              {t.label} · made {localDateTime(t.createdAt)}
              {t.expiresAt ? ` · expires ${localDateTime(t.expiresAt)}` : ''}
              <RevokeOrRevoked revokedAt={t.revokedAt} onRevoke={() => void revoke(t.id)} />
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
      <SecretOnce secret={secret()}>Give this to the device now; it is not shown again:</SecretOnce>
      <Show when={problem()}>{(p) => <p class="error">{p()}</p>}</Show>
    </section>
  );
}
