import { createSignal, Show } from 'solid-js';
import type { Account, SignedInUser } from './account.ts';
import { createCatalogue } from './catalogue.ts';
import { useConnection } from './clients.ts';
import { createClock } from './clock.ts';
import { AccessPanel } from './components/AccessPanel.tsx';
import { AlertsMenu } from './components/AlertsMenu.tsx';
import { ApiTokens } from './components/ApiTokens.tsx';
import { BulkLabel } from './components/BulkLabel.tsx';
import { ColumnChooser } from './components/ColumnChooser.tsx';
import { Compare } from './components/Compare.tsx';
import { DevicePanel } from './components/DevicePanel.tsx';
import { FilterBuilder } from './components/FilterBuilder.tsx';
import { FleetTable } from './components/FleetTable.tsx';
import { JobsMenu } from './components/JobsMenu.tsx';
import { LinkBadge } from './components/LinkBadge.tsx';
import { Overview } from './components/Overview.tsx';
import { Pager } from './components/Pager.tsx';
import { ParameterEditor } from './components/ParameterEditor.tsx';
import { RunOnFilter } from './components/RunOnFilter.tsx';
import { UpdatesMenu } from './components/UpdatesMenu.tsx';
import { UserMenu } from './components/UserMenu.tsx';
import { createFleetView } from './fleet-view.ts';
import { persisted } from './persisted-signal.ts';
import { createUrlView } from './url-view.ts';
import { nextSort } from './view-state.ts';

interface AppProps {
  /** Null in lab mode (AUTH=off) when nobody signed in. */
  user: SignedInUser | null;
  account: Account;
}

/** The live fleet table with its controls, and the open device's panel. */
export function App(props: AppProps) {
  const connection = useConnection();
  const url = createUrlView();
  const view = url.view;
  const now = createClock();
  const [flash, setFlash] = persisted('smartos.flash', true);
  const fleet = createFleetView(connection, view);
  // New parameter names arrive with devices: the catalogue is read again when a page shows one it lacks.
  const catalogue = createCatalogue(
    connection.client,
    () => fleet.state.rows.flatMap((r) => Object.keys(r.params)),
    () => fleet.state.rows.flatMap((r) => r.labels.map((l) => l.key)),
  );
  // Rows ticked for comparing, kept while the page changes.
  const [picked, setPicked] = createSignal<string[]>([]);
  const togglePick = (serial: string) =>
    setPicked((p) => (p.includes(serial) ? p.filter((s) => s !== serial) : [...p, serial].slice(-8)));
  const openDevice = (serial: string) => {
    url.show('devices');
    url.select(serial);
  };

  return (
    <div class="app" classList={{ 'with-panel': url.selected() !== null }}>
      <header class="top">
        <h1>SMART-OS</h1>
        <nav class="tabs" aria-label="Pages">
          <button type="button" aria-current={url.tab() === 'overview' ? 'page' : undefined} onClick={() => url.show('overview')}>
            Overview
          </button>
          <button type="button" aria-current={url.tab() === 'devices' ? 'page' : undefined} onClick={() => url.show('devices')}>
            Devices
          </button>
        </nav>
        <LinkBadge state={connection.link()} />
        <label class="switch">
          <input type="checkbox" checked={flash()} onChange={(e) => setFlash(e.currentTarget.checked)} />
          Flash changes
        </label>
        <a class="graphiql" href="/graphql">
          GraphiQL
        </a>
        <Show when={props.user}>{(user) => <AccessPanel admin={user().role === 'ADMIN'} />}</Show>
        <Show when={props.user === null || props.user.role === 'ADMIN'}>
          <ParameterEditor parameters={catalogue.parameters()} reload={catalogue.reload} />
        </Show>
        <AlertsMenu fields={catalogue.fields()} />
        <JobsMenu />
        <Show when={props.user}>
          <ApiTokens />
        </Show>
        <Show when={props.user}>{(user) => <UserMenu user={user()} account={props.account} />}</Show>
      </header>
      <Show when={url.tab() === 'overview'}>
        <Overview signedIn={props.user !== null} parameters={catalogue.parameters} now={now} onOpenDevice={openDevice} />
      </Show>
      <Show when={url.tab() === 'compare'}>
        <Compare serials={url.compared()} parameters={catalogue.parameters()} onBack={() => url.show('devices')} />
      </Show>
      <Show when={url.tab() === 'devices'}>
        <section class="controls" aria-label="Table controls">
          <FilterBuilder
            where={view().where}
            fields={catalogue.fields()}
            onChange={(where) => url.go({ ...view(), where, page: 1 })}
          />
          <ColumnChooser available={catalogue.available()} chosen={catalogue.columns()} onChange={catalogue.chooseColumns} />
          <RunOnFilter where={view().where} matching={fleet.state.total} />
          <UpdatesMenu where={view().where} matching={fleet.state.total} />
          <BulkLabel where={view().where} matching={fleet.state.total} />
          <Show when={picked().length > 0}>
            <span class="picked">
              <button type="button" disabled={picked().length < 2} onClick={() => url.show('compare', picked())}>
                Compare {picked().length}
              </button>
              <button type="button" class="link" onClick={() => setPicked([])}>
                clear
              </button>
            </span>
          </Show>
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
              columns={catalogue.columns()}
              orderBy={view().orderBy}
              now={now}
              flash={flash()}
              loading={fleet.state.loading}
              filtered={view().where.length > 0}
              selected={url.selected()}
              onSort={(field, multi) => url.go({ ...view(), orderBy: nextSort(view().orderBy, field, multi), page: 1 })}
              onSelect={(serial) => url.select(serial)}
              picked={picked()}
              onPick={togglePick}
            />
            <Pager
              page={view().page}
              size={view().size}
              total={fleet.state.total}
              shown={fleet.state.rows.length}
              onPage={(page) => url.go({ ...view(), page })}
              onSize={(size) => url.go({ ...view(), size, page: 1 })}
            />
          </div>
          <Show when={url.selected()} keyed>
            {(serial) => (
              <DevicePanel serial={serial} now={now} onClose={() => url.select(null)} signedIn={props.user !== null} url={url} />
            )}
          </Show>
        </main>
      </Show>
    </div>
  );
}
