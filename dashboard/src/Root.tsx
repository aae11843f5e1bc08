import { createSignal, Match, onCleanup, Switch } from 'solid-js';
import { App } from './App.tsx';
import { SignIn } from './components/SignIn.tsx';
import type { SignedInUser } from './components/UserMenu.tsx';
import { createConnection, createHttpClient } from './connection.ts';
import { MeQuery } from './documents.ts';

type Access = { kind: 'checking' } | { kind: 'signed-out' } | { kind: 'in'; user: SignedInUser | null };

/** Signs in first when the server asks for it; the live connection opens only once the cookie is set. */
export function Root() {
  const http = createHttpClient();
  const [access, setAccess] = createSignal<Access>({ kind: 'checking' });
  const check = async () => {
    const r = await http.query(MeQuery, {}).toPromise();
    const me = r.data?.me ?? null;
    const open = r.data?.authRequired === false; // lab mode
    setAccess(open || me ? { kind: 'in', user: me } : { kind: 'signed-out' });
  };
  void check();

  return (
    <Switch>
      <Match when={access().kind === 'signed-out'}>
        <SignIn client={http} onSignedIn={() => void check()} />
      </Match>
      <Match when={access().kind === 'in'}>
        <Live user={(access() as { user: SignedInUser | null }).user} http={http} onSignedOut={() => void check()} />
      </Match>
    </Switch>
  );
}

function Live(props: { user: SignedInUser | null; http: ReturnType<typeof createHttpClient>; onSignedOut: () => void }) {
  const connection = createConnection();
  onCleanup(() => connection.dispose());
  return <App connection={connection} user={props.user} http={props.http} onSignedOut={() => props.onSignedOut()} />;
}
