import { createEffect, on } from 'solid-js';

interface CellProps {
  /** What is shown; a change of it (not the first value) flashes the cell. */
  text: string;
  flash: boolean;
  title?: string;
  class?: string;
  /** The column's field, for styles and tests. */
  col: string;
}

/** A table cell that flashes briefly when its value changes. */
export function Cell(props: CellProps) {
  let el: HTMLTableCellElement | undefined;
  createEffect(
    on(
      () => props.text,
      () => {
        if (!props.flash || !el) return;
        // Restart the animation even when the previous flash is still running.
        el.classList.remove('flash');
        void el.offsetWidth;
        el.classList.add('flash');
      },
      { defer: true },
    ),
  );
  return (
    <td ref={el} class={props.class} title={props.title} data-col={props.col}>
      {props.text}
    </td>
  );
}
