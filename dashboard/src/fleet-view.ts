import { type Accessor, batch, createEffect, createMemo, on, onCleanup } from 'solid-js';
import { createStore, reconcile } from 'solid-js/store';
import type { Connection } from './connection.ts';
import { FleetPageQuery, FleetUpdatesSubscription } from './documents.ts';
import type { FleetUpdatesSubscription as Updates } from './gql/graphql.ts';
import type { ViewState } from './view-state.ts';

export interface Row {
  serial: string;
  online: boolean;
  lastSeen: string | null;
  createdAt: string;
  params: Record<string, unknown>;
  name: string | null;
  labels: Array<{ key: string; value: string }>;
  groups: string[];
}

export interface FleetViewState {
  rows: Row[];
  total: number;
  loading: boolean;
  error: string | null;
  /** Devices that match the filter now but are not on this page: refreshing would show them. */
  newMatches: number;
  /** Devices that left this page since it was loaded. */
  leftPage: number;
  /** How long the last page took from request to rendered data, ms. */
  loadMs: number;
}

/**
 * One page of the fleet, kept live: the page comes from the `devices` query; `deviceUpdates` for the same
 * filter then changes single values in place (so only those cells render), drops rows that stop
 * matching, and counts new matches instead of shuffling the page under the reader's eyes.
 */
export function createFleetView(connection: Connection, view: Accessor<ViewState>) {
  const [state, setState] = createStore<FleetViewState>({
    rows: [],
    total: 0,
    loading: true,
    error: null,
    newMatches: 0,
    leftPage: 0,
    loadMs: 0,
  });
  const newSerials = new Set<string>();
  let generation = 0;

  async function load(): Promise<void> {
    const v = view();
    const mine = ++generation;
    const started = performance.now();
    setState('loading', true);
    const result = await connection.client
      .query(FleetPageQuery, { where: v.where, orderBy: v.orderBy, offset: (v.page - 1) * v.size, limit: v.size })
      .toPromise();
    if (mine !== generation) return; // a newer view was asked for meanwhile
    const page = result.data?.devices;
    if (!page) {
      setState({ loading: false, error: result.error?.message ?? 'no data' });
      return;
    }
    newSerials.clear();
    batch(() => {
      setState(
        'rows',
        reconcile(
          page.nodes.map((n) => ({ ...n, name: n.name ?? null, params: (n.params ?? {}) as Record<string, unknown> })),
          { key: 'serial', merge: true },
        ),
      );
      setState({ total: page.totalCount, loading: false, error: null, newMatches: 0, leftPage: 0 });
    });
    requestAnimationFrame(() => setState('loadMs', Math.round(performance.now() - started)));
  }

  const indexOf = createMemo(() => new Map(state.rows.map((r, i) => [r.serial, i])));

  function apply(batchOfUpdates: Updates['deviceUpdates']): void {
    batch(() => {
      const index = indexOf();
      for (const u of batchOfUpdates.updates) {
        const i = index.get(u.serial);
        if (i === undefined) {
          if (u.entered && !newSerials.has(u.serial)) {
            newSerials.add(u.serial);
            setState('newMatches', (n) => n + 1);
            setState('total', (n) => n + 1);
          }
          continue;
        }
        const values = (u.values ?? {}) as Record<string, unknown>;
        for (const name in values) setState('rows', i, 'params', name, values[name]);
        if (u.meta) {
          setState('rows', i, 'name', u.meta.name ?? null);
          setState('rows', i, 'labels', u.meta.labels);
          setState('rows', i, 'groups', u.meta.groups);
        }
        setState('rows', i, 'online', u.online);
        setState('rows', i, 'lastSeen', u.lastSeen ?? null);
      }
      if (batchOfUpdates.left.length === 0) return;
      const gone = new Set(batchOfUpdates.left);
      const before = state.rows.length;
      setState('rows', (rows) => rows.filter((r) => !gone.has(r.serial)));
      const removed = before - state.rows.length;
      let elsewhere = 0;
      for (const s of gone) if (newSerials.delete(s)) elsewhere++;
      if (removed > 0) setState('leftPage', (n) => n + removed);
      if (elsewhere > 0) setState('newMatches', (n) => n - elsewhere);
      setState('total', (n) => Math.max(0, n - removed - elsewhere));
    });
  }

  // Listen first, then read: a change between the two is not lost.
  createEffect(
    on(
      () => JSON.stringify(view().where),
      () => {
        const subscription = connection.client
          .subscription(FleetUpdatesSubscription, { where: view().where })
          .subscribe((result) => {
            if (result.data) apply(result.data.deviceUpdates);
          });
        onCleanup(() => subscription.unsubscribe());
      },
    ),
  );
  createEffect(on(view, () => void load()));
  // What changed while the socket was down never reached us: read the page again.
  onCleanup(connection.onReconnect(() => void load()));

  return { state, refresh: load };
}
