import type { Client } from '@urql/core';
import { createSignal, Show } from 'solid-js';
import { ChangePasswordMutation, SignOutMutation } from '../documents.ts';
import { errorText } from '../errors.ts';

export interface SignedInUser {
  username: string;
  role: string;
}

interface UserMenuProps {
  user: SignedInUser;
  client: Client;
  onSignedOut: () => void;
}

/** Who is signed in, sign-out, and a new password. */
export function UserMenu(props: UserMenuProps) {
  const [message, setMessage] = createSignal<string | null>(null);
  let current: HTMLInputElement | undefined;
  let next: HTMLInputElement | undefined;

  const signOut = async () => {
    await props.client.mutation(SignOutMutation, {}).toPromise();
    props.onSignedOut();
  };
  const change = async (e: SubmitEvent) => {
    e.preventDefault();
    const r = await props.client
      .mutation(ChangePasswordMutation, { current: current?.value ?? '', next: next?.value ?? '' })
      .toPromise();
    setMessage(r.data?.changePassword ? 'Password changed.' : (errorText(r.error) ?? 'could not change it'));
    if (r.data?.changePassword && current && next) {
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
        <button type="button" onClick={() => void signOut()}>
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
