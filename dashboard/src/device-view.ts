import { createEffect, createSignal, on, onCleanup, onMount, untrack } from 'solid-js';
import { createStore, produce, reconcile } from 'solid-js/store';
import type { Connection } from './connection.ts';
import { DeviceChangesSubscription, DeviceDetailQuery, DeviceHistoryQuery } from './documents.ts';
import { isIdentifier } from './format.ts';
import { persisted } from './persisted-signal.ts';
import {
  appendLive,
  DEFAULT_CHOICE,
  decodeChoice,
  encodeChoice,
  heldSeries,
  type RangeChoice,
  type Series,
  type TimeRange,
  toSeries,
  trimBefore,
  validChoice,
  windowOf,
} from './time-range.ts';

/** Trends asked for in one request (each can hold 1,000 points of 6 values). */
const NAMES_PER_REQUEST = 8;

interface LiveValues {
  at: number;
  values: Record<string, unknown>;
}

/**
 * One device, live: its values from `device`, kept current by `deviceChanged`, and a trend of each
 * numeric parameter over the chosen range (remembered), read from history and extended live.
 */
export function createDeviceView(
  connection: Connection,
  serial: string,
  /** The range in the URL (a shared link) wins over the remembered one; a choice is written back. */
  url: { range: () => string | null; setRange: (text: string) => void },
) {
  const [device, setDevice] = createStore({
    found: true,
    loaded: false,
    online: false,
    lastSeen: null as string | null,
    createdAt: null as string | null,
    params: {} as Record<string, unknown>,
    trends: {} as Record<string, Series>,
  });
  const [error, setError] = createSignal<string | null>(null);
  const [loading, setLoading] = createSignal(false);
  const [remembered, remember] = persisted('smart-os.trend-range', DEFAULT_CHOICE);
  const [stored, setStored] = createSignal<RangeChoice>(decodeChoice(untrack(url.range)) ?? validChoice(untrack(remembered)));
  const setChoice = (next: RangeChoice) => {
    remember(next);
    setStored(next);
    url.setRange(encodeChoice(next));
  };
  const choice = () => stored();
  const range = (): TimeRange => choice().range;

  // Live values that arrive while history is loading: added after it, so nothing falls in the gap.
  let arrivedDuringLoad: LiveValues[] | null = null;
  let generation = 0;

  const addLive = (change: LiveValues) =>
    setDevice(
      produce((d) => {
        const r = untrack(range);
        const { since, until } = windowOf(r, Date.now());
        for (const [name, value] of Object.entries(change.values)) {
          d.params[name] = value;
          if (typeof value !== 'number' || (r.kind === 'fixed' && change.at >= until)) continue;
          if (!d.trends[name]) d.trends[name] = { t: [], v: [], lo: [], hi: [] };
          const series = d.trends[name];
          appendLive(series, change.at, value);
          if (r.kind === 'live') trimBefore(series, since);
        }
      }),
    );

  const loadHistory = async () => {
    const mine = ++generation;
    const names = Object.keys(untrack(() => device.params)).filter((n) => typeof device.params[n] === 'number');
    const { since, until } = windowOf(untrack(range), Date.now());
    arrivedDuringLoad = [];
    setLoading(true);
    // A few names per request: each request stays well inside the server's query cost limit.
    const chunks: string[][] = [];
    for (let i = 0; i < names.length; i += NAMES_PER_REQUEST) chunks.push(names.slice(i, i + NAMES_PER_REQUEST));
    const span = { since: new Date(since).toISOString(), until: new Date(until).toISOString() };
    const results = await Promise.all(
      (chunks.length > 0 ? chunks : [[]]).map((chunk) =>
        connection.client
          .query(DeviceHistoryQuery, { serial, names: chunk, ...span }, { requestPolicy: 'network-only' })
          .toPromise(),
      ),
    );
    if (mine !== generation) return;
    const trends: Record<string, Series> = {};
    for (const result of results) for (const h of result.data?.device?.histories ?? []) trends[h.name] = toSeries(h.points);
    setError(results.find((r) => r.error)?.error?.message ?? null);
    setDevice('trends', reconcile(trends));
    const late = arrivedDuringLoad;
    arrivedDuringLoad = null;
    for (const change of late) addLive(change);
    setLoading(false);
  };

  onMount(() => {
    const subscription = connection.client.subscription(DeviceChangesSubscription, { serial }).subscribe((result) => {
      const change = result.data?.deviceChanged;
      if (!change) return;
      setDevice({ online: change.online, lastSeen: change.lastSeen ?? null });
      const live = { at: Date.parse(change.at), values: (change.values ?? {}) as Record<string, unknown> };
      if (arrivedDuringLoad) {
        arrivedDuringLoad.push(live);
        setDevice(produce((d) => Object.assign(d.params, live.values)));
      } else addLive(live);
    });
    onCleanup(() => subscription.unsubscribe());
    // A reconnect may have left a gap: read the range again.
    onCleanup(connection.onReconnect(() => void loadHistory()));
    connection.client
      .query(DeviceDetailQuery, { serial })
      .toPromise()
      .then((result) => {
        const d = result.data?.device;
        if (result.error) setError(result.error.message);
        if (!d) {
          setDevice('found', false);
          return;
        }
        setDevice({ online: d.online, lastSeen: d.lastSeen ?? null, createdAt: d.createdAt, loaded: true });
        setDevice('params', (d.params ?? {}) as Record<string, unknown>);
        void loadHistory();
      });
  });

  createEffect(on(stored, () => device.loaded && void loadHistory(), { defer: true }));

  const names = () => Object.keys(device.params).sort();
  // A chart for every measured number, moving or not: one that stopped changing is still its value.
  // Identifiers (a postcode) are numbers too, but not trends.
  const plotted = () => names().filter((n) => typeof device.params[n] === 'number' && !isIdentifier(n));
  /** What a chart draws: the series in the window, the held values entering and running to its end. */
  const drawn = (name: string, now: number) => {
    const { since, until } = windowOf(range(), now);
    const current = range().kind === 'live' ? (device.params[name] as number) : null;
    return heldSeries(device.trends[name], since, until, current);
  };

  return {
    device,
    error,
    loading,
    choice,
    choose: setChoice,
    /** The time window the charts show now. */
    shown: (now: number) => windowOf(range(), now),
    names,
    plotted,
    drawn,
  };
}
