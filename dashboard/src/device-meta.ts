import type { Client } from '@urql/core';
import { createSignal } from 'solid-js';
import type { Condition } from './gql/graphql.ts';
import { DeviceMetaQuery, LabelDevicesMutation, UpdateDeviceMutation } from './overview-documents.ts';

export interface Label {
  key: string;
  value: string;
}

/** `site=vienna, customer=acme` → labels; a part without `=` is an error. */
export function parseLabels(text: string): Label[] | string {
  const out: Label[] = [];
  for (const part of text
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const at = part.indexOf('=');
    if (at <= 0) return `"${part}" is not key=value`;
    out.push({ key: part.slice(0, at).trim(), value: part.slice(at + 1).trim() });
  }
  return out;
}

export const formatLabels = (labels: readonly Label[]) => labels.map((l) => `${l.key}=${l.value}`).join(', ');
export const parseGroups = (text: string) =>
  text
    .split(',')
    .map((g) => g.trim())
    .filter(Boolean);

/** One device's name, labels and groups, read and saved (its owner or an admin). */
export function createDeviceMeta(client: Client, serial: string) {
  const [meta, setMeta] = createSignal<{ name: string | null; labels: Label[]; groups: string[] } | null>(null);
  const [error, setError] = createSignal<string | null>(null);
  void client
    .query(DeviceMetaQuery, { serial }, { requestPolicy: 'network-only' })
    .toPromise()
    .then((r) => r.data?.device && setMeta(r.data.device));
  return {
    meta,
    error,
    async save(name: string, labels: Label[], groups: string[]): Promise<boolean> {
      const r = await client.mutation(UpdateDeviceMutation, { serial, name, labels, groups }).toPromise();
      setError(r.error ? r.error.message.replace(/^\[GraphQL\] /, '') : null);
      if (r.data) setMeta(r.data.updateDevice);
      return !r.error;
    },
  };
}

/** Labels and groups for every device a filter matches (the ones the user sees). */
export function createBulkLabels(client: Client) {
  const [done, setDone] = createSignal<string | null>(null);
  const [error, setError] = createSignal<string | null>(null);
  return {
    done,
    error,
    async apply(
      where: Condition[],
      edit: { setLabels: Label[]; removeLabels: string[]; addGroups: string[]; removeGroups: string[] },
    ) {
      const r = await client.mutation(LabelDevicesMutation, { where, ...edit }).toPromise();
      setError(r.error ? r.error.message.replace(/^\[GraphQL\] /, '') : null);
      setDone(r.data ? `${r.data.labelDevices} device(s) changed.` : null);
    },
  };
}
