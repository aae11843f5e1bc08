import type { Client } from '@urql/core';
import { createSignal } from 'solid-js';
import type { Quantity } from './gql/graphql.ts';
import { UpdateParameterMutation } from './overview-documents.ts';

export interface ParameterEdit {
  label: string | null;
  unit: string | null;
  quantity: Quantity | null;
  precision: number | null;
}

/** How a parameter is shown, for everyone (admins): saved, then the catalogue is read again. */
export function createParameterEditor(client: Client, reload: () => Promise<void>) {
  const [error, setError] = createSignal<string | null>(null);
  const [saved, setSaved] = createSignal<string | null>(null);
  return {
    error,
    saved,
    async save(name: string, edit: ParameterEdit) {
      const r = await client.mutation(UpdateParameterMutation, { name, ...edit }).toPromise();
      setError(r.error ? r.error.message.replace(/^\[GraphQL\] /, '') : null);
      setSaved(r.error ? null : name);
      await reload();
    },
  };
}
