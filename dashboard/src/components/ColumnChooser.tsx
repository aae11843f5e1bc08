import { For } from 'solid-js';
import { label, unit } from '../format.ts';

interface ColumnChooserProps {
  available: string[];
  chosen: string[];
  onChange: (chosen: string[]) => void;
}

/** Which parameters are columns; a native disclosure, so it works with the keyboard and screen readers. */
export function ColumnChooser(props: ColumnChooserProps) {
  const toggle = (name: string, on: boolean) =>
    props.onChange(
      on ? props.available.filter((n) => n === name || props.chosen.includes(n)) : props.chosen.filter((n) => n !== name),
    );
  return (
    <details class="columns">
      <summary>Columns ({props.chosen.length})</summary>
      <div class="column-list">
        <For each={props.available}>
          {(name) => (
            <label>
              <input
                type="checkbox"
                checked={props.chosen.includes(name)}
                onChange={(e) => toggle(name, e.currentTarget.checked)}
              />
              {label(name)}
              {unit(name) ? ` (${unit(name)})` : ''}
            </label>
          )}
        </For>
      </div>
    </details>
  );
}
