import { type Accessor, For, onCleanup, onMount, Show } from 'solid-js';
import { createAlertMarks } from '../alerts.ts';
import { useConnection } from '../clients.ts';
import { createDeviceView } from '../device-view.ts';
import { ago, formatValue, label, localDateTime } from '../format.ts';
import { ControlPanel } from './ControlPanel.tsx';
import { DeviceCredentials } from './DeviceCredentials.tsx';
import { DeviceUpdates } from './DeviceUpdates.tsx';
import { MetaEditor } from './MetaEditor.tsx';
import { RangePicker } from './RangePicker.tsx';
import { TrendChart } from './TrendChart.tsx';

interface DevicePanelProps {
  serial: string;
  now: Accessor<number>;
  onClose: () => void;
  /** Someone is signed in: show the device's owner and tokens. */
  signedIn: boolean;
  /** The time range in the URL, and where a new one goes. */
  url: { range: () => string | null; setRange: (text: string) => void };
}

/** Everything about one device, and a trend of each numeric parameter over a chosen range. */
export function DevicePanel(props: DevicePanelProps) {
  const connection = useConnection();
  const view = createDeviceView(connection, props.serial, props.url);
  const { device } = view;
  const shown = () => view.shown(props.now());
  const alertMarks = createAlertMarks(connection.client, props.serial, () => shown().since);

  let panel: HTMLElement | undefined;
  onMount(() => {
    // On a phone the panel sits under the table: bring it into view, or the tap seems to do nothing.
    if (window.matchMedia('(max-width: 760px)').matches) panel?.scrollIntoView({ block: 'start' });
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') props.onClose();
    };
    document.addEventListener('keydown', onKey);
    onCleanup(() => document.removeEventListener('keydown', onKey));
  });

  return (
    <aside ref={panel} class="panel" aria-label={`Device ${props.serial}`}>
      <header>
        <h2>
          <span class={device.online ? 'dot online' : 'dot offline'} aria-hidden="true" />
          {props.serial}
        </h2>
        <button type="button" class="close" aria-label="Close the device panel" onClick={() => props.onClose()}>
          ✕
        </button>
      </header>
      <Show when={view.error()}>{(e) => <p class="error">{e()}</p>}</Show>
      <Show when={device.found} fallback={<p>This device is not known.</p>}>
        <p class="meta">
          {device.online ? 'Online' : 'Offline'} · last seen {ago(device.lastSeen, props.now())} · first seen{' '}
          {localDateTime(device.createdAt)}
        </p>
        <MetaEditor serial={props.serial} />
        <RangePicker serial={props.serial} choice={view.choice()} onChoose={view.choose} now={props.now} />
        <section class="trends" aria-label="Trends" aria-busy={view.loading()}>
          <For each={view.plotted()} fallback={<p class="meta">The device's numbers are drawn here.</p>}>
            {(name) => (
              <TrendChart
                name={name}
                series={() => view.drawn(name, props.now())}
                window={shown}
                marks={() => alertMarks.marks().get(name) ?? []}
              />
            )}
          </For>
        </section>
        <dl class="params">
          <For each={view.names()}>
            {(name) => (
              <>
                <dt>{label(name)}</dt>
                <dd>{formatValue(name, device.params[name])}</dd>
              </>
            )}
          </For>
        </dl>
        <Show when={device.loaded}>
          <ControlPanel serial={props.serial} />
          <DeviceUpdates serial={props.serial} />
        </Show>
        <Show when={props.signedIn && device.loaded}>
          <DeviceCredentials serial={props.serial} />
        </Show>
      </Show>
    </aside>
  );
}
