import type { Client } from '@urql/core';
import { createSignal } from 'solid-js';
import { createActing } from './acting.ts';
import { ApiTokensQuery, CreateApiTokenMutation, RevokeApiTokenMutation } from './documents.ts';
import type { ApiScope, ApiTokensQuery as Data } from './gql/graphql.ts';

export type ApiToken = Data['apiTokens'][number];

/** The signed-in user's personal API tokens: read when opened; a new one's secret is shown once. */
export function createApiTokens(client: Client) {
  const [tokens, setTokens] = createSignal<ApiToken[]>([]);
  const [secret, setSecret] = createSignal<string | null>(null);
  const load = async () => {
    const r = await client.query(ApiTokensQuery, {}).toPromise();
    acting.report(r.error);
    setTokens(r.data?.apiTokens ?? []);
  };
  const acting = createActing(load);
  const act = acting.act;
  return {
    load,
    tokens,
    secret,
    problem: acting.problem,
    create: (label: string | null, scopes: ApiScope[], expiresInDays: number | null) =>
      act(async () => {
        const r = await client.mutation(CreateApiTokenMutation, { label, scopes, expiresInDays }).toPromise();
        setSecret(r.data?.createApiToken.secret ?? null);
        return r;
      }),
    revoke: (id: number) => act(() => client.mutation(RevokeApiTokenMutation, { id }).toPromise()),
  };
}
