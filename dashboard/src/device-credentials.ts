import type { Client } from '@urql/core';
import { createSignal, onMount } from 'solid-js';
import { CreateDeviceTokenMutation, DeviceCredentialsQuery, RevokeDeviceTokenMutation } from './documents.ts';
import { errorText } from './errors.ts';
import type { DeviceCredentialsQuery as Data } from './gql/graphql.ts';

export type Token = NonNullable<Data['device']>['tokens'][number];

/** A device's owner and tokens, and the actions on them: a new token (its secret shown once), revoking one. */
export function createDeviceCredentials(client: Client, serial: () => string) {
  const [owner, setOwner] = createSignal<string | null>(null);
  const [tokens, setTokens] = createSignal<Token[]>([]);
  const [secret, setSecret] = createSignal<string | null>(null);
  const [problem, setProblem] = createSignal<string | null>(null);

  const load = async () => {
    const r = await client.query(DeviceCredentialsQuery, { serial: serial() }).toPromise();
    setProblem(errorText(r.error));
    setOwner(r.data?.device?.owner ?? null);
    setTokens(r.data?.device?.tokens ?? []);
  };
  onMount(() => void load());

  return {
    owner,
    tokens,
    secret,
    problem,
    async create(label: string | null, expiresInDays: number | null) {
      const r = await client.mutation(CreateDeviceTokenMutation, { serial: serial(), label, expiresInDays }).toPromise();
      setProblem(errorText(r.error));
      setSecret(r.data?.createDeviceToken.secret ?? null);
      await load();
    },
    async revoke(id: number) {
      const r = await client.mutation(RevokeDeviceTokenMutation, { id }).toPromise();
      setProblem(errorText(r.error));
      await load();
    },
  };
}
