import { type Accessor, createSignal, For, Show, untrack } from 'solid-js';
import { customRange, exportHref, PRESETS, type RangeChoice, toLocalInput, windowOf } from '../time-range.ts';

interface RangePickerProps {
  serial: string;
  choice: RangeChoice;
  onChoose: (choice: RangeChoice) => void;
  now: Accessor<number>;
}

/** Preset ranges, custom dates, and the export of what is shown. */
export function RangePicker(props: RangePickerProps) {
  const [editing, setEditing] = createSignal(false);
  const [problem, setProblem] = createSignal<string | null>(null);
  let sinceInput: HTMLInputElement | undefined;
  let untilInput: HTMLInputElement | undefined;
  const customOpen = () => editing() || props.choice.preset === 'custom';
  // Read once when the form opens: a clock tick must not overwrite what the person is typing.
  const initial = () => untrack(() => windowOf(props.choice.range, props.now()));

  const apply = (e: SubmitEvent) => {
    e.preventDefault();
    const range = customRange(sinceInput?.value ?? '', untilInput?.value ?? '');
    if (typeof range === 'string') {
      setProblem(range);
      return;
    }
    setProblem(null);
    setEditing(false);
    props.onChoose({ preset: 'custom', range });
  };

  return (
    <div class="range">
      <fieldset class="range-presets">
        <legend class="visually-hidden">Time range</legend>
        <For each={PRESETS}>
          {(p) => (
            <button
              type="button"
              aria-pressed={!customOpen() && props.choice.preset === p.id}
              onClick={() => {
                setEditing(false);
                props.onChoose({ preset: p.id, range: { kind: 'live', seconds: p.seconds } });
              }}
            >
              {p.label}
            </button>
          )}
        </For>
        <button type="button" aria-pressed={customOpen()} onClick={() => setEditing(true)}>
          Custom
        </button>
      </fieldset>
      <Show when={customOpen()}>
        <form class="range-custom" onSubmit={apply}>
          <label>
            From
            <input ref={sinceInput} type="datetime-local" name="since" required value={toLocalInput(initial().since)} />
          </label>
          <label>
            To
            <input ref={untilInput} type="datetime-local" name="until" required value={toLocalInput(initial().until)} />
          </label>
          <button type="submit">Show</button>
          <Show when={problem()}>{(p) => <p class="error">{p()}</p>}</Show>
        </form>
      </Show>
      <p class="range-export">
        Export this range:{' '}
        <a href={exportHref(props.serial, props.choice.range, props.now(), 'csv')} download="">
          CSV
        </a>{' '}
        ·{' '}
        <a href={exportHref(props.serial, props.choice.range, props.now(), 'ndjson')} download="">
          NDJSON
        </a>
      </p>
    </div>
  );
}
