import { createSignal, Show } from 'solid-js';
import type { Account } from '../account.ts';

/** The sign-in page: the session lands in an HttpOnly cookie the page itself never sees. */
export function SignIn(props: { account: Account }) {
  const [problem, setProblem] = createSignal<string | null>(null);
  const [busy, setBusy] = createSignal(false);
  let username: HTMLInputElement | undefined;
  let password: HTMLInputElement | undefined;

  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    setBusy(true);
    const problem = await props.account.signIn(username?.value ?? '', password?.value ?? '');
    setBusy(false);
    setProblem(problem);
  };

  return (
    <main class="sign-in">
      <h1>SMART-OS</h1>
      <form onSubmit={submit} aria-label="Sign in">
        <label>
          Username
          <input ref={username} name="username" autocomplete="username" required maxLength={64} />
        </label>
        <label>
          Password
          <input ref={password} name="password" type="password" autocomplete="current-password" required maxLength={256} />
        </label>
        <button type="submit" disabled={busy()}>
          Sign in
        </button>
        <Show when={problem()}>
          {(p) => (
            <p class="error" role="alert">
              {p()}
            </p>
          )}
        </Show>
      </form>
      <p class="meta">First start: the admin password was printed once in the server's terminal (or set with ADMIN_PASSWORD).</p>
    </main>
  );
}
