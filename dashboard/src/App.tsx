import type { Client } from '@urql/core';
import { createEffect, createMemo, createSignal, onCleanup, Show } from 'solid-js';
import { AccessPanel } from './components/AccessPanel.tsx';
import { ColumnChooser } from './components/ColumnChooser.tsx';
import { DevicePanel } from './components/DevicePanel.tsx';
import { FilterBuilder } from './components/FilterBuilder.tsx';
import { FleetTable } from './components/FleetTable.tsx';
import { LinkBadge } from './components/LinkBadge.tsx';
import { Pager } from './components/Pager.tsx';
import { type SignedInUser, UserMenu } from './components/UserMenu.tsx';
import type { Connection } from './connection.ts';
import { CatalogueQuery } from './documents.ts';
import { createFleetView } from './fleet-view.ts';
import { PREFERRED } from './format.ts';
import { persisted } from './settings.ts';
import { nextSort, parseViewState, serializeViewState, type ViewState } from './view-state.ts';

const BUILT_IN = ['serial', 'online', 'lastSeen', 'createdAt'];

interface AppProps {
  connection: Connection;
  /** Null in lab mode (AUTH=off) when nobody signed in. */
  user: SignedInUser | null;
  http: Client;
  onSignedOut: () => void;
}

export function App(props: AppProps) {
  const [view, setView] = createSignal<ViewState>(parseViewState(location.search));
  const [selected, setSelected] = createSignal<string | null>(new URLSearchParams(location.search).get('device'));
  const [flash, setFlash] = persisted('smartos.flash', true);
  const [chosen, setChosen] = persisted<string[] | null>('smartos.columns', null);
  const [catalogue, setCatalogue] = createSignal<string[]>([]);
  const [now, setNow] = createSignal(Date.now());

  const ticker = setInterval(() => setNow(Date.now()), 1000);
  onCleanup(() => clearInterval(ticker));

  // The URL is the view: every change is a history entry; back and forward restore it.
  const go = (next: ViewState, device = selected()) => {
    const url = `${location.pathname}${serializeViewState(next)}`;
    const withDevice = device ? `${url}${url.includes('?') ? '&' : '?'}device=${encodeURIComponent(device)}` : url;
    history.pushState(null, '', withDevice);
    setView(next);
  };
  const onPopState = () => {
    setView(parseViewState(location.search));
    setSelected(new URLSearchParams(location.search).get('device'));
  };
  window.addEventListener('popstate', onPopState);
  onCleanup(() => window.removeEventListener('popstate', onPopState));

  const loadCatalogue = () =>
    props.connection.client
      .query(CatalogueQuery, {})
      .toPromise()
      .then((r) => {
        if (r.data) setCatalogue(r.data.parameters.map((p) => p.name));
      });
  void loadCatalogue();
  const refreshCatalogue = setInterval(loadCatalogue, 15_000);
  onCleanup(() => clearInterval(refreshCatalogue));

  const fleet = createFleetView(props.connection, view);
  // New parameter names arrive with devices: read the catalogue again when a page shows one it lacks.
  createEffect(() => {
    const known = new Set(catalogue());
    if (fleet.state.rows.some((r) => Object.keys(r.params).some((n) => !known.has(n)))) void loadCatalogue();
  });

  const columns = createMemo(() => {
    const names = catalogue();
    const picked = chosen();
    if (picked) return names.filter((n) => picked.includes(n));
    const preferred = PREFERRED.filter((n) => names.includes(n));
    return preferred.length > 0 ? preferred : names.slice(0, 8);
  });
  const fields = () => [...BUILT_IN, ...catalogue()];
  const select = (serial: string | null) => {
    setSelected(serial);
    go(view(), serial);
  };

  return (
    <div class="app" classList={{ 'with-panel': selected() !== null }}>
      <header class="top">
        <h1>SMART-OS</h1>
        <LinkBadge state={props.connection.link()} />
        <label class="switch">
          <input type="checkbox" checked={flash()} onChange={(e) => setFlash(e.currentTarget.checked)} />
          Flash changes
        </label>
        <a class="graphiql" href="/graphql">
          GraphiQL
        </a>
        <Show when={props.user}>{(user) => <AccessPanel client={props.http} admin={user().role === 'ADMIN'} />}</Show>
        <Show when={props.user}>
          {(user) => <UserMenu user={user()} client={props.http} onSignedOut={() => props.onSignedOut()} />}
        </Show>
      </header>
      <section class="controls" aria-label="Table controls">
        <FilterBuilder where={view().where} fields={fields()} onChange={(where) => go({ ...view(), where, page: 1 })} />
        <ColumnChooser available={catalogue()} chosen={columns()} onChange={setChosen} />
      </section>
      <Show when={fleet.state.newMatches > 0 || fleet.state.leftPage > 0}>
        <p class="hint" role="status">
          <Show when={fleet.state.newMatches > 0}>{fleet.state.newMatches} more device(s) match now. </Show>
          <Show when={fleet.state.leftPage > 0}>{fleet.state.leftPage} device(s) no longer match and left this page. </Show>
          <button type="button" onClick={() => void fleet.refresh()}>
            Refresh
          </button>
        </p>
      </Show>
      <Show when={fleet.state.error}>{(e) => <p class="error">Could not load the fleet: {e()}</p>}</Show>
      <main class="content">
        <div class="table-area" data-load-ms={fleet.state.loadMs}>
          <FleetTable
            rows={fleet.state.rows}
            columns={columns()}
            orderBy={view().orderBy}
            now={now}
            flash={flash()}
            loading={fleet.state.loading}
            selected={selected()}
            onSort={(field, multi) => go({ ...view(), orderBy: nextSort(view().orderBy, field, multi), page: 1 })}
            onSelect={(serial) => select(serial)}
          />
          <Pager
            page={view().page}
            size={view().size}
            total={fleet.state.total}
            onPage={(page) => go({ ...view(), page })}
            onSize={(size) => go({ ...view(), size, page: 1 })}
          />
        </div>
        <Show when={selected()} keyed>
          {(serial) => (
            <DevicePanel
              serial={serial}
              connection={props.connection}
              now={now}
              onClose={() => select(null)}
              signedIn={props.user !== null}
            />
          )}
        </Show>
      </main>
    </div>
  );
}
