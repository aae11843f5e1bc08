import type { Client } from '@urql/core';
import { createSignal, onCleanup, onMount } from 'solid-js';
import {
  DeviceChangesSubscription,
  DeviceCommandsSubscription,
  DeviceControlQuery,
  SendCommandMutation,
  SetDesiredMutation,
} from './documents.ts';
import { errorText } from './errors.ts';
import type { DeviceControlQuery as Data } from './gql/graphql.ts';

export type Execution = NonNullable<Data['device']>['commands'][number];

/** A command a device declared in CAPS, with its args' JSON Schema. */
export interface Capability {
  name: string;
  description?: string;
  args?: { properties?: Record<string, ArgSchema>; required?: string[] };
}

export interface ArgSchema {
  type?: string;
  enum?: unknown[];
  description?: string;
}

export interface DesiredEntry {
  value: unknown;
  setAt: string;
  setBy: string | null;
}

/**
 * One device's control: its actions (from CAPS), desired values beside reported ones, and its command
 * history, kept current by deviceCommands.
 */
export function createControl(client: Client, serial: string) {
  const [data, setData] = createSignal<Data['device'] | null>(null);
  const [problem, setProblem] = createSignal<string | null>(null);
  const load = async () => {
    const r = await client.query(DeviceControlQuery, { serial }, { requestPolicy: 'network-only' }).toPromise();
    if (r.error) setProblem(errorText(r.error));
    setData(r.data?.device ?? null);
  };
  // Reported values clear desired ones: read again when the device or its commands change (at most twice a second).
  let pending: ReturnType<typeof setTimeout> | null = null;
  const reload = () => {
    pending ??= setTimeout(() => {
      pending = null;
      void load();
    }, 500);
  };
  onMount(() => {
    void load();
    const commands = client.subscription(DeviceCommandsSubscription, { serial }).subscribe(reload);
    const changes = client.subscription(DeviceChangesSubscription, { serial }).subscribe(reload);
    onCleanup(() => {
      commands.unsubscribe();
      changes.unsubscribe();
      if (pending) clearTimeout(pending);
    });
  });
  const capabilities = (): Capability[] =>
    ((data()?.capabilities as { commands?: Capability[] } | null)?.commands ?? []) as Capability[];
  return {
    data,
    problem,
    capabilities,
    desired: () => (data()?.desired ?? {}) as Record<string, DesiredEntry>,
    history: () => data()?.commands ?? [],
    async run(name: string, args: Record<string, unknown>): Promise<void> {
      const r = await client.mutation(SendCommandMutation, { input: { serials: [serial], name, args } }).toPromise();
      setProblem(errorText(r.error));
      await load();
    },
    async setDesired(name: string, value: unknown): Promise<void> {
      const r = await client.mutation(SetDesiredMutation, { serial, values: { [name]: value } }).toPromise();
      setProblem(errorText(r.error));
      await load();
    },
  };
}

export type Control = ReturnType<typeof createControl>;

/** A form value as its schema wants it: numbers as numbers, booleans as booleans, else text. */
export function argValue(schema: ArgSchema | undefined, raw: string | boolean): unknown {
  if (typeof raw === 'boolean') return raw;
  if (schema?.type === 'number' || schema?.type === 'integer') return raw === '' ? null : Number(raw);
  return raw;
}

/** A typed value from a text field: a number, true/false, null, or the text. */
export function parseTyped(text: string): unknown {
  const t = text.trim();
  if (t === 'true') return true;
  if (t === 'false') return false;
  if (t === 'null') return null;
  if (t !== '' && Number.isFinite(Number(t))) return Number(t);
  return text;
}
