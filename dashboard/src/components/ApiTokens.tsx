import { For, Show } from 'solid-js';
import { createApiTokens } from '../api-tokens.ts';
import { useHttpClient } from '../clients.ts';
import { localDateTime } from '../format.ts';
import type { ApiScope } from '../gql/graphql.ts';
import { RevokeOrRevoked, SecretOnce } from './Secrets.tsx';

/** Personal API tokens for scripts: `Authorization: Bearer <token>` on /graphql and the export. */
export function ApiTokens() {
  const api = createApiTokens(useHttpClient());
  let label: HTMLInputElement | undefined;
  let write: HTMLInputElement | undefined;
  let days: HTMLInputElement | undefined;
  return (
    <details class="api-tokens" onToggle={(e) => e.currentTarget.open && void api.load()}>
      <summary>API tokens</summary>
      <div class="api-tokens-body">
        <p class="meta">For scripts and CI: send one as Authorization: Bearer on /graphql and the export.</p>
        <ul>
          <For each={api.tokens()} fallback={<li class="meta">None.</li>}>
            {(t) => (
              <li>
                {t.label} ({t.scopes.map((s) => s.toLowerCase()).join(', ')}) · made {localDateTime(t.createdAt)}
                {t.expiresAt ? ` · expires ${localDateTime(t.expiresAt)}` : ''}
                {t.lastUsedAt ? ` · used ${localDateTime(t.lastUsedAt)}` : ' · never used'}
                <RevokeOrRevoked revokedAt={t.revokedAt} onRevoke={() => void api.revoke(t.id)} />
              </li>
            )}
          </For>
        </ul>
        <form
          class="inline-form"
          aria-label="New API token"
          onSubmit={(e) => {
            e.preventDefault();
            const scopes: ApiScope[] = write?.checked ? ['READ', 'WRITE'] : ['READ'];
            void api.create(label?.value || null, scopes, days?.value ? Number(days.value) : null);
          }}
        >
          <label>
            Label
            <input ref={label} maxLength={100} placeholder="ci" />
          </label>
          <label>
            <input ref={write} type="checkbox" /> May change things (write)
          </label>
          <label>
            Expires in days
            <input ref={days} type="number" min="1" max="3650" value="90" />
          </label>
          <button type="submit">New token</button>
        </form>
        <SecretOnce secret={api.secret()}>Copy it now; it is not shown again:</SecretOnce>
        <Show when={api.problem()}>{(p) => <p class="error">{p()}</p>}</Show>
      </div>
    </details>
  );
}
