import type { Client } from '@urql/core';
import { createEffect, createMemo, createSignal, onCleanup } from 'solid-js';
import { CatalogueQuery } from './documents.ts';
import { PREFERRED, setParameterDisplay } from './format.ts';
import type { CatalogueQuery as Catalogue } from './gql/graphql.ts';
import { persisted } from './persisted-signal.ts';

const BUILT_IN = ['serial', 'online', 'lastSeen', 'createdAt'];
const POLL_MS = 15_000;

/**
 * The parameter names the fleet has, and the table's columns from them (the user's choice, remembered,
 * else the preferred ones). Read every 15 s, and at once when a row shows a name it lacks.
 */
export function createCatalogue(
  client: Client,
  shownNames: () => Iterable<string>,
  labelKeys: () => Iterable<string> = () => [],
) {
  const [names, setNames] = createSignal<string[]>([]);
  const [parameters, setParameters] = createSignal<Catalogue['parameters']>([]);
  const [chosen, setChosen] = persisted<string[] | null>('smartos.columns', null);
  const load = () =>
    client
      .query(CatalogueQuery, {})
      .toPromise()
      .then((r) => {
        if (!r.data) return;
        setNames(r.data.parameters.map((p) => p.name));
        setParameters(r.data.parameters);
        setParameterDisplay(r.data.parameters);
      });
  void load();
  const poll = setInterval(load, POLL_MS);
  onCleanup(() => clearInterval(poll));
  createEffect(() => {
    const known = new Set(names());
    for (const n of shownNames())
      if (!known.has(n)) {
        void load();
        return;
      }
  });

  const labelFields = createMemo(() => [...new Set(labelKeys())].sort().map((k) => `label:${k}`));
  /** What the table may show: the metadata, then every parameter. */
  const available = createMemo(() => ['meta:name', 'meta:group', ...labelFields(), ...names()]);
  const columns = createMemo(() => {
    const all = names();
    const picked = chosen();
    if (picked) return available().filter((n) => picked.includes(n));
    const preferred = PREFERRED.filter((n) => all.includes(n));
    return preferred.length > 0 ? preferred : all.slice(0, 8);
  });
  return {
    names,
    columns,
    chooseColumns: setChosen,
    /** Every parameter with how it is shown. */
    parameters,
    reload: load,
    /** What a filter may name: the built-in fields, the metadata (labels seen on this page), every parameter. */
    fields: () => [...BUILT_IN, ...available()],
    available,
  };
}
