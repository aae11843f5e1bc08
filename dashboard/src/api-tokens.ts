import type { Client, CombinedError } from '@urql/core';
import { createSignal } from 'solid-js';
import { ApiTokensQuery, CreateApiTokenMutation, RevokeApiTokenMutation } from './documents.ts';
import { errorText } from './errors.ts';
import type { ApiScope, ApiTokensQuery as Data } from './gql/graphql.ts';

export type ApiToken = Data['apiTokens'][number];

/** The signed-in user's personal API tokens: read when opened; a new one's secret is shown once. */
export function createApiTokens(client: Client) {
  const [tokens, setTokens] = createSignal<ApiToken[]>([]);
  const [secret, setSecret] = createSignal<string | null>(null);
  const [problem, setProblem] = createSignal<string | null>(null);
  const load = async () => {
    const r = await client.query(ApiTokensQuery, {}).toPromise();
    setProblem(errorText(r.error));
    setTokens(r.data?.apiTokens ?? []);
  };
  const act = async (run: () => Promise<{ error?: CombinedError }>) => {
    const r = await run();
    setProblem(errorText(r.error));
    await load();
  };
  return {
    load,
    tokens,
    secret,
    problem,
    create: (label: string | null, scopes: ApiScope[], expiresInDays: number | null) =>
      act(async () => {
        const r = await client.mutation(CreateApiTokenMutation, { label, scopes, expiresInDays }).toPromise();
        setSecret(r.data?.createApiToken.secret ?? null);
        return r;
      }),
    revoke: (id: number) => act(() => client.mutation(RevokeApiTokenMutation, { id }).toPromise()),
  };
}
