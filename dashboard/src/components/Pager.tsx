import { For } from 'solid-js';
import { PAGE_SIZES } from '../view-state.ts';

interface PagerProps {
  page: number;
  size: number;
  total: number;
  /** Rows on this page now: devices that left it live are not counted until the page is read again. */
  shown: number;
  onPage: (page: number) => void;
  onSize: (size: number) => void;
}

export function Pager(props: PagerProps) {
  const pages = () => Math.max(1, Math.ceil(props.total / props.size));
  const from = () => (props.total === 0 ? 0 : (props.page - 1) * props.size + 1);
  const to = () => (props.shown === 0 ? from() : from() + props.shown - 1);
  return (
    <nav class="pager" aria-label="Pages">
      <span class="count" aria-live="polite">
        {props.shown === 0 ? 0 : from().toLocaleString()}–{props.shown === 0 ? 0 : to().toLocaleString()} of{' '}
        {props.total.toLocaleString()} devices
      </span>
      <button type="button" onClick={() => props.onPage(1)} disabled={props.page <= 1} aria-label="First page">
        «
      </button>
      <button type="button" onClick={() => props.onPage(props.page - 1)} disabled={props.page <= 1} aria-label="Previous page">
        ‹
      </button>
      <span class="page">
        Page {props.page} of {pages()}
      </span>
      <button type="button" onClick={() => props.onPage(props.page + 1)} disabled={props.page >= pages()} aria-label="Next page">
        ›
      </button>
      <button type="button" onClick={() => props.onPage(pages())} disabled={props.page >= pages()} aria-label="Last page">
        »
      </button>
      <label>
        Rows
        <select value={props.size} onChange={(e) => props.onSize(Number(e.currentTarget.value))}>
          <For each={PAGE_SIZES}>{(s) => <option value={s}>{s}</option>}</For>
        </select>
      </label>
    </nav>
  );
}
