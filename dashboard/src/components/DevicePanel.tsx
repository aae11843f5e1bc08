import { type Accessor, createSignal, For, onCleanup, onMount, Show } from 'solid-js';
import { createStore, produce } from 'solid-js/store';
import type { Connection } from '../connection.ts';
import { DeviceChangesSubscription, DeviceDetailQuery } from '../documents.ts';
import { ago, formatValue, label, localDateTime } from '../format.ts';
import { type Series, TrendChart } from './TrendChart.tsx';

const WINDOW_S = 30;

interface DevicePanelProps {
  serial: string;
  connection: Connection;
  now: Accessor<number>;
  onClose: () => void;
}

/** Everything about one device, and a live 30-second trend of each numeric parameter. */
export function DevicePanel(props: DevicePanelProps) {
  const [device, setDevice] = createStore({
    found: true,
    online: false,
    lastSeen: null as string | null,
    createdAt: null as string | null,
    params: {} as Record<string, unknown>,
    trends: {} as Record<string, Series>,
  });
  const [error, setError] = createSignal<string | null>(null);

  const record = (values: Record<string, unknown>, at: number) =>
    setDevice(
      produce((d) => {
        for (const [name, value] of Object.entries(values)) {
          d.params[name] = value;
          if (typeof value !== 'number') continue;
          if (!d.trends[name]) d.trends[name] = { t: [], v: [] };
          const series = d.trends[name];
          series.t.push(at / 1000);
          series.v.push(value);
          // Keep one point before the window, so the line enters from the left edge.
          const cut = series.t.findIndex((x) => x >= (Date.now() - WINDOW_S * 1000) / 1000) - 1;
          if (cut > 0) {
            series.t.splice(0, cut);
            series.v.splice(0, cut);
          }
        }
      }),
    );

  onMount(() => {
    const subscription = props.connection.client
      .subscription(DeviceChangesSubscription, { serial: props.serial })
      .subscribe((result) => {
        const change = result.data?.deviceChanged;
        if (!change) return;
        setDevice({ online: change.online, lastSeen: change.lastSeen ?? null });
        record((change.values ?? {}) as Record<string, unknown>, Date.parse(change.at));
      });
    onCleanup(() => subscription.unsubscribe());
    props.connection.client
      .query(DeviceDetailQuery, { serial: props.serial })
      .toPromise()
      .then((result) => {
        const d = result.data?.device;
        if (result.error) setError(result.error.message);
        if (!d) {
          setDevice('found', false);
          return;
        }
        setDevice({ online: d.online, lastSeen: d.lastSeen ?? null, createdAt: d.createdAt });
        record((d.params ?? {}) as Record<string, unknown>, Date.now());
      });
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') props.onClose();
    };
    document.addEventListener('keydown', onKey);
    onCleanup(() => document.removeEventListener('keydown', onKey));
  });

  const names = () => Object.keys(device.params).sort();
  // Charts for the numbers that move; a constant (capacity, postcode) would only draw a flat line.
  const moving = () =>
    names().filter((n) => {
      const v = device.trends[n]?.v;
      return v?.some((x) => x !== v[0]) ?? false;
    });

  return (
    <aside class="panel" aria-label={`Device ${props.serial}`}>
      <header>
        <h2>
          <span class={device.online ? 'dot online' : 'dot offline'} aria-hidden="true" />
          {props.serial}
        </h2>
        <button type="button" class="close" aria-label="Close the device panel" onClick={() => props.onClose()}>
          ✕
        </button>
      </header>
      <Show when={error()}>{(e) => <p class="error">{e()}</p>}</Show>
      <Show when={device.found} fallback={<p>This device is not known.</p>}>
        <p class="meta">
          {device.online ? 'Online' : 'Offline'} · last seen {ago(device.lastSeen, props.now())} · first seen{' '}
          {localDateTime(device.createdAt)}
        </p>
        <section class="trends" aria-label="Trends of the last 30 seconds">
          <For each={moving()} fallback={<p class="meta">Trends of the last 30 seconds appear here as numbers change.</p>}>
            {(name) => (
              <TrendChart name={name} series={device.trends[name] ?? { t: [], v: [] }} now={props.now} seconds={WINDOW_S} />
            )}
          </For>
        </section>
        <dl class="params">
          <For each={names()}>
            {(name) => (
              <>
                <dt>{label(name)}</dt>
                <dd>{formatValue(name, device.params[name])}</dd>
              </>
            )}
          </For>
        </dl>
      </Show>
    </aside>
  );
}
