import { For, Show } from 'solid-js';
import type { Access } from '../access.ts';
import type { Role } from '../gql/graphql.ts';

/** The accounts (admins only): role, disable, delete; and a new one. */
export function Accounts(props: { access: Access }) {
  let form: HTMLFormElement | undefined;
  let newUser: HTMLInputElement | undefined;
  let newPassword: HTMLInputElement | undefined;
  let newRole: HTMLSelectElement | undefined;
  return (
    <section aria-label="Accounts">
      <h3>Accounts</h3>
      <ul class="accounts">
        <For each={props.access.users()}>
          {(u) => (
            <li classList={{ disabled: u.disabled }}>
              <strong>{u.username}</strong>
              <Show when={u.disabled}> (disabled)</Show>{' '}
              <select
                aria-label={`Role of ${u.username}`}
                value={u.role}
                disabled={props.access.isMe(u.username)}
                onChange={(e) => void props.access.setRole(u.username, e.currentTarget.value as Role)}
              >
                <option value="OWNER">owner</option>
                <option value="ADMIN">admin</option>
              </select>{' '}
              <Show when={!props.access.isMe(u.username)} fallback={<span class="meta">you</span>}>
                <button type="button" onClick={() => void props.access.setDisabled(u.username, !u.disabled)}>
                  {u.disabled ? 'Enable' : 'Disable'}
                </button>{' '}
                <button
                  type="button"
                  onClick={() => {
                    if (window.confirm(`Delete ${u.username}? Their devices become unclaimed; their history stays.`))
                      void props.access.deleteUser(u.username);
                  }}
                >
                  Delete
                </button>
              </Show>
            </li>
          )}
        </For>
      </ul>
      <form
        ref={form}
        class="inline-form"
        aria-label="New account"
        onSubmit={async (e) => {
          e.preventDefault();
          const ok = await props.access.createUser(
            newUser?.value ?? '',
            newPassword?.value ?? '',
            newRole?.value === 'ADMIN' ? 'ADMIN' : 'OWNER',
          );
          // The password never stays in the form once the account exists.
          if (ok) form?.reset();
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
  );
}
