import { For, Show } from 'solid-js';
import { useConnection } from '../clients.ts';
import { argValue, type Capability, createControl, parseTyped } from '../control.ts';
import { formatValue, label, localDateTime } from '../format.ts';

/** Runs one action of a device: a form built from the JSON Schema of its args. */
function ActionForm(props: { capability: Capability; onRun: (args: Record<string, unknown>) => void }) {
  const fields: Record<string, HTMLInputElement | HTMLSelectElement | undefined> = {};
  const properties = () => Object.entries(props.capability.args?.properties ?? {});
  return (
    <form
      class="inline-form action"
      aria-label={`Run ${props.capability.name}`}
      onSubmit={(e) => {
        e.preventDefault();
        const args: Record<string, unknown> = {};
        for (const [name, schema] of properties()) {
          const el = fields[name];
          if (!el) continue;
          args[name] = argValue(schema, el instanceof HTMLInputElement && el.type === 'checkbox' ? el.checked : el.value);
        }
        props.onRun(args);
      }}
    >
      <strong title={props.capability.description}>{props.capability.name}</strong>
      <For each={properties()}>
        {([name, schema]) => (
          <span class="field">
            {name}
            <Show
              when={schema.enum}
              fallback={
                <input
                  aria-label={name}
                  ref={(el) => {
                    fields[name] = el;
                  }}
                  type={
                    schema.type === 'boolean'
                      ? 'checkbox'
                      : schema.type === 'number' || schema.type === 'integer'
                        ? 'number'
                        : 'text'
                  }
                />
              }
            >
              {(options) => (
                <select
                  aria-label={name}
                  ref={(el) => {
                    fields[name] = el;
                  }}
                >
                  <For each={options()}>{(o) => <option value={String(o)}>{String(o)}</option>}</For>
                </select>
              )}
            </Show>
          </span>
        )}
      </For>
      <button type="submit">Run</button>
    </form>
  );
}

/** A device's control: desired values beside reported ones, its actions, and its command history. */
export function ControlPanel(props: { serial: string }) {
  const control = createControl(useConnection().client, props.serial);
  let desiredName: HTMLInputElement | undefined;
  let desiredValue: HTMLInputElement | undefined;
  return (
    <section class="control" aria-label="Control">
      <h3>Control</h3>
      <Show
        when={control.data()?.protocol === 2}
        fallback={<p class="meta">This device speaks protocol v1: it takes no commands.</p>}
      >
        <ul class="desired" aria-label="Desired values">
          <For each={Object.entries(control.desired())} fallback={<li class="meta">No pending desired values.</li>}>
            {([name, entry]) => (
              <li data-name={name}>
                {label(name)}: {formatValue(name, entry.value)} <span class="meta">pending</span> · reported{' '}
                {formatValue(name, (control.data()?.params as Record<string, unknown> | undefined)?.[name])}
              </li>
            )}
          </For>
        </ul>
        <form
          class="inline-form"
          aria-label="Set a value"
          onSubmit={(e) => {
            e.preventDefault();
            if (desiredName?.value) void control.setDesired(desiredName.value, parseTyped(desiredValue?.value ?? ''));
          }}
        >
          <label>
            Setting
            <input ref={desiredName} required maxLength={64} placeholder="battery_reserve" />
          </label>
          <label>
            Value
            <input ref={desiredValue} required maxLength={1024} />
          </label>
          <button type="submit">Set</button>
        </form>
        <section class="actions" aria-label="Actions">
          <For each={control.capabilities()} fallback={<p class="meta">It declared no actions.</p>}>
            {(capability) => <ActionForm capability={capability} onRun={(args) => void control.run(capability.name, args)} />}
          </For>
        </section>
        <ol class="history" aria-label="Recent commands">
          <For each={control.history()}>
            {(c) => (
              <li data-cmdid={c.cmdid}>
                {c.cmdid} <span class={`state state-${c.state.toLowerCase()}`}>{c.state.toLowerCase()}</span>{' '}
                {c.error ?? c.reason ?? (c.result === null || c.result === undefined ? '' : JSON.stringify(c.result))} ·{' '}
                {localDateTime(c.updatedAt)}
              </li>
            )}
          </For>
        </ol>
      </Show>
      <Show when={control.problem()}>{(p) => <p class="error">{p()}</p>}</Show>
    </section>
  );
}
