import { Match, onCleanup, Switch } from 'solid-js';
import { App } from './App.tsx';
import { type Account, createAccount, type SignedInUser } from './account.ts';
import { ConnectionContext, HttpClientContext } from './clients.ts';
import { SignIn } from './components/SignIn.tsx';
import { createConnection, createHttpClient } from './connection.ts';

/** Signs in first when the server asks for it; the live connection opens only once the cookie is set. */
export function Root() {
  const http = createHttpClient();
  const account = createAccount(http);
  const user = () => {
    const a = account.access();
    return a.kind === 'in' ? a.user : null;
  };
  return (
    <HttpClientContext.Provider value={http}>
      <Switch>
        <Match when={account.access().kind === 'signed-out'}>
          <SignIn account={account} />
        </Match>
        <Match when={account.access().kind === 'in'}>
          <Live user={user()} account={account} />
        </Match>
      </Switch>
    </HttpClientContext.Provider>
  );
}

function Live(props: { user: SignedInUser | null; account: Account }) {
  const connection = createConnection();
  onCleanup(() => connection.dispose());
  return (
    <ConnectionContext.Provider value={connection}>
      <App user={props.user} account={props.account} />
    </ConnectionContext.Provider>
  );
}
