import { createSignal, Show } from 'solid-js';
import type { Account, SignedInUser } from '../account.ts';

interface UserMenuProps {
  user: SignedInUser;
  account: Account;
}

/** Who is signed in, sign-out, and a new password. */
export function UserMenu(props: UserMenuProps) {
  const [message, setMessage] = createSignal<string | null>(null);
  let current: HTMLInputElement | undefined;
  let next: HTMLInputElement | undefined;

  const change = async (e: SubmitEvent) => {
    e.preventDefault();
    const r = await props.account.changePassword(current?.value ?? '', next?.value ?? '');
    setMessage(r.message);
    if (r.ok && current && next) {
      current.value = '';
      next.value = '';
    }
  };

  return (
    <details class="user-menu">
      <summary>
        {props.user.username} ({props.user.role.toLowerCase()})
      </summary>
      <div class="user-menu-body">
        <button type="button" onClick={() => void props.account.signOut()}>
          Sign out
        </button>
        <form onSubmit={change} aria-label="Change password">
          <label>
            Current password
            <input ref={current} type="password" autocomplete="current-password" required maxLength={256} />
          </label>
          <label>
            New password
            <input ref={next} type="password" autocomplete="new-password" required minLength={10} maxLength={256} />
          </label>
          <button type="submit">Change password</button>
          <Show when={message()}>{(m) => <p role="status">{m()}</p>}</Show>
        </form>
      </div>
    </details>
  );
}
