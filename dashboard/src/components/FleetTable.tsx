import { type Accessor, For, Show } from 'solid-js';
import type { Row } from '../fleet-view.ts';
import { ago, formatValue, label, localDateTime, unit } from '../format.ts';
import type { Order } from '../gql/graphql.ts';
import { Cell } from './Cell.tsx';

interface FleetTableProps {
  rows: Row[];
  columns: string[];
  orderBy: Order[];
  now: Accessor<number>;
  flash: boolean;
  loading: boolean;
  /** A filter is set: an empty table means nothing matches, not an empty fleet. */
  filtered: boolean;
  selected: string | null;
  onSort: (field: string, multi: boolean) => void;
  onSelect: (serial: string) => void;
  /** Rows ticked for comparing. */
  picked: string[];
  onPick: (serial: string) => void;
}

/** A column's value: metadata columns read the device's name, labels, groups; others its parameters. */
function cellValue(row: Row, col: string): unknown {
  if (col === 'meta:name') return row.name;
  if (col === 'meta:group') return row.groups.length > 0 ? row.groups.join(', ') : null;
  if (col.startsWith('label:')) return row.labels.find((l) => l.key === col.slice(6))?.value ?? null;
  return row.params[col];
}

function ariaSort(orderBy: Order[], field: string): 'ascending' | 'descending' | 'none' | undefined {
  // aria-sort belongs on the column the table is sorted by first.
  const first = orderBy[0];
  if (!first || first.field !== field) return undefined;
  return first.direction === 'DESC' ? 'descending' : 'ascending';
}

function SortHeader(props: { field: string; orderBy: Order[]; sticky?: boolean; onSort: FleetTableProps['onSort'] }) {
  const position = () => props.orderBy.findIndex((o) => o.field === props.field);
  const direction = () => props.orderBy[position()]?.direction;
  return (
    <th scope="col" aria-sort={ariaSort(props.orderBy, props.field)} class={props.sticky ? 'sticky' : undefined}>
      <button
        type="button"
        class="sort"
        title="Sort; shift-click to add a sort key"
        onClick={(e) => props.onSort(props.field, e.shiftKey)}
      >
        <span>{label(props.field)}</span>
        <Show when={unit(props.field)}>{(u) => <span class="unit">{u()}</span>}</Show>
        <Show when={position() >= 0}>
          <span class="sort-mark" aria-hidden="true">
            {direction() === 'DESC' ? '▼' : '▲'}
            <Show when={props.orderBy.length > 1}>
              <sub>{position() + 1}</sub>
            </Show>
          </span>
        </Show>
      </button>
    </th>
  );
}

/** The fleet as a semantic table: sortable headers, a sticky serial column, cells that update alone. */
export function FleetTable(props: FleetTableProps) {
  return (
    <div class="table-scroll" aria-busy={props.loading}>
      <table class="fleet">
        <colgroup>
          <col class="c-serial" />
          <col class="c-status" />
          <col class="c-seen" />
          <For each={props.columns}>{() => <col class="c-param" />}</For>
        </colgroup>
        <thead>
          <tr>
            <SortHeader field="serial" orderBy={props.orderBy} onSort={props.onSort} sticky />
            <SortHeader field="online" orderBy={props.orderBy} onSort={props.onSort} />
            <SortHeader field="lastSeen" orderBy={props.orderBy} onSort={props.onSort} />
            <For each={props.columns}>{(name) => <SortHeader field={name} orderBy={props.orderBy} onSort={props.onSort} />}</For>
          </tr>
        </thead>
        <tbody>
          <For each={props.rows}>
            {(row) => (
              <tr classList={{ selected: props.selected === row.serial }} data-serial={row.serial}>
                <th scope="row" class="sticky">
                  <input
                    type="checkbox"
                    class="pick"
                    aria-label={`Compare ${row.serial}`}
                    checked={props.picked.includes(row.serial)}
                    onChange={() => props.onPick(row.serial)}
                  />
                  <button type="button" class="device-link" onClick={() => props.onSelect(row.serial)}>
                    {row.serial}
                  </button>
                  <Show when={row.name}>{(n) => <span class="device-name">{n()}</span>}</Show>
                </th>
                <td data-col="online">
                  <span class={row.online ? 'dot online' : 'dot offline'} aria-hidden="true" />
                  {row.online ? 'online' : 'offline'}
                </td>
                <td data-col="lastSeen" title={localDateTime(row.lastSeen)}>
                  {ago(row.lastSeen, props.now())}
                </td>
                <For each={props.columns}>
                  {(name) => (
                    <Cell
                      col={name}
                      text={formatValue(name, cellValue(row, name))}
                      flash={props.flash}
                      class={typeof cellValue(row, name) === 'number' ? 'num' : undefined}
                    />
                  )}
                </For>
              </tr>
            )}
          </For>
        </tbody>
      </table>
      <Show when={!props.loading && props.rows.length === 0}>
        <Show
          when={props.filtered}
          fallback={
            <p class="empty">
              No devices yet. A device joins with an enrollment key: open <strong>Devices &amp; accounts</strong>, make one under{' '}
              <em>Enrollment keys</em> and give it to the device (the emulator takes it as <code>--enroll-key</code>).
            </p>
          }
        >
          <p class="empty">No device matches.</p>
        </Show>
      </Show>
    </div>
  );
}
