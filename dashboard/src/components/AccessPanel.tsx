import type { Client, CombinedError } from '@urql/core';
import { createSignal, For, Show } from 'solid-js';
import {
  AccessQuery,
  AssignDeviceMutation,
  CreateEnrollmentKeyMutation,
  CreateUserMutation,
  RejectDeviceMutation,
  RevokeEnrollmentKeyMutation,
} from '../documents.ts';
import { errorText } from '../errors.ts';
import { localDateTime } from '../format.ts';
import { RevokeOrRevoked, SecretOnce } from './Secrets.tsx';

interface AccessData {
  enrollmentKeys: Array<{ id: number; label: string; owner?: string | null; createdAt: string; revokedAt?: string | null }>;
  users?: Array<{ id: number; username: string; role: string }>;
  unclaimedDevices?: Array<{ serial: string; lastSeen?: string | null; online: boolean }>;
}

/** Enrollment keys for everyone; for admins also the unclaimed devices and the accounts. */
export function AccessPanel(props: { client: Client; admin: boolean }) {
  const [data, setData] = createSignal<AccessData | null>(null);
  const [secret, setSecret] = createSignal<string | null>(null);
  const [problem, setProblem] = createSignal<string | null>(null);
  let keyLabel: HTMLInputElement | undefined;
  let newUser: HTMLInputElement | undefined;
  let newPassword: HTMLInputElement | undefined;
  let newRole: HTMLSelectElement | undefined;

  const load = async () => {
    const r = await props.client.query(AccessQuery, { admin: props.admin }).toPromise();
    setProblem(errorText(r.error));
    setData((r.data as AccessData | undefined) ?? null);
  };
  const act = async (run: () => Promise<{ error?: CombinedError }>) => {
    const r = await run();
    setProblem(errorText(r.error));
    await load();
  };

  return (
    <details class="access" onToggle={(e) => e.currentTarget.open && void load()}>
      <summary>{props.admin ? 'Devices & accounts' : 'Enrollment keys'}</summary>
      <div class="access-body">
        <Show when={props.admin}>
          <section aria-label="Unclaimed devices">
            <h3>Unclaimed devices</h3>
            <ul>
              <For each={data()?.unclaimedDevices ?? []} fallback={<li class="meta">None.</li>}>
                {(d) => {
                  let owner: HTMLSelectElement | undefined;
                  return (
                    <li>
                      <strong>{d.serial}</strong> · {d.online ? 'online' : `last seen ${localDateTime(d.lastSeen ?? null)}`}{' '}
                      <select ref={owner} aria-label={`Owner for ${d.serial}`}>
                        <For each={data()?.users ?? []}>{(u) => <option value={u.username}>{u.username}</option>}</For>
                      </select>{' '}
                      <button
                        type="button"
                        onClick={() =>
                          void act(() =>
                            props.client
                              .mutation(AssignDeviceMutation, { serial: d.serial, owner: owner?.value ?? null })
                              .toPromise(),
                          )
                        }
                      >
                        Assign
                      </button>{' '}
                      <button
                        type="button"
                        onClick={() =>
                          void act(() => props.client.mutation(RejectDeviceMutation, { serial: d.serial }).toPromise())
                        }
                      >
                        Reject
                      </button>
                    </li>
                  );
                }}
              </For>
            </ul>
          </section>
        </Show>
        <section aria-label="Enrollment keys">
          <h3>Enrollment keys</h3>
          <p class="meta">A device that connects with one and a new serial becomes its owner's.</p>
          <ul>
            <For each={data()?.enrollmentKeys ?? []} fallback={<li class="meta">None.</li>}>
              {(k) => (
                <li>
                  {k.label} ({k.owner}) · {localDateTime(k.createdAt)}
                  <RevokeOrRevoked
                    revokedAt={k.revokedAt}
                    onRevoke={() => void act(() => props.client.mutation(RevokeEnrollmentKeyMutation, { id: k.id }).toPromise())}
                  />
                </li>
              )}
            </For>
          </ul>
          <form
            class="inline-form"
            aria-label="New enrollment key"
            onSubmit={(e) => {
              e.preventDefault();
              void act(async () => {
                const r = await props.client
                  .mutation(CreateEnrollmentKeyMutation, { label: keyLabel?.value || null })
                  .toPromise();
                setSecret(r.data?.createEnrollmentKey.secret ?? null);
                return r;
              });
            }}
          >
            <label>
              Label
              <input ref={keyLabel} maxLength={100} placeholder="installer" />
            </label>
            <button type="submit">New key</button>
          </form>
          <SecretOnce secret={secret()}>Shown once:</SecretOnce>
        </section>
        <Show when={props.admin}>
          <section aria-label="Accounts">
            <h3>Accounts</h3>
            <ul>
              <For each={data()?.users ?? []}>
                {(u) => (
                  <li>
                    {u.username} ({u.role.toLowerCase()})
                  </li>
                )}
              </For>
            </ul>
            <form
              class="inline-form"
              aria-label="New account"
              onSubmit={(e) => {
                e.preventDefault();
                void act(() =>
                  props.client
                    .mutation(CreateUserMutation, {
                      username: newUser?.value ?? '',
                      password: newPassword?.value ?? '',
                      role: newRole?.value === 'ADMIN' ? 'ADMIN' : 'OWNER',
                    })
                    .toPromise(),
                );
              }}
            >
              <label>
                Username
                <input ref={newUser} required maxLength={64} />
              </label>
              <label>
                Password
                <input ref={newPassword} type="password" required minLength={10} maxLength={256} autocomplete="new-password" />
              </label>
              <label>
                Role
                <select ref={newRole}>
                  <option value="OWNER">owner</option>
                  <option value="ADMIN">admin</option>
                </select>
              </label>
              <button type="submit">Create</button>
            </form>
          </section>
        </Show>
        <Show when={problem()}>{(p) => <p class="error">{p()}</p>}</Show>
      </div>
    </details>
  );
}
