import { For } from 'solid-js';
import type { Access } from '../access.ts';

/** The accounts (admins only), and a new one. */
export function Accounts(props: { access: Access }) {
  let newUser: HTMLInputElement | undefined;
  let newPassword: HTMLInputElement | undefined;
  let newRole: HTMLSelectElement | undefined;
  return (
    <section aria-label="Accounts">
      <h3>Accounts</h3>
      <ul>
        <For each={props.access.users()}>
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
          void props.access.createUser(
            newUser?.value ?? '',
            newPassword?.value ?? '',
            newRole?.value === 'ADMIN' ? 'ADMIN' : 'OWNER',
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
  );
}
