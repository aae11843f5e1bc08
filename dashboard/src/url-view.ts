import { createSignal, onCleanup } from 'solid-js';
import { parseViewState, serializeViewState, type ViewState } from './view-state.ts';

const deviceOf = (search: string) => new URLSearchParams(search).get('device');
const rangeOf = (search: string) => new URLSearchParams(search).get('range');

export type Tab = 'overview' | 'devices' | 'compare';
const TABLE_KEYS = ['f', 'sort', 'page', 'size', 'device'];
/** The page: `tab=`, else the table when the link says something about it (older links), else the overview. */
function tabOf(search: string): Tab {
  const params = new URLSearchParams(search);
  const tab = params.get('tab');
  if (tab === 'overview' || tab === 'devices' || tab === 'compare') return tab;
  return TABLE_KEYS.some((k) => params.has(k)) ? 'devices' : 'overview';
}
const compareOf = (search: string) => (new URLSearchParams(search).get('compare') ?? '').split(',').filter(Boolean).slice(0, 8);

/**
 * The URL is the view (filter, sort, page, size, open device): every change is a history entry, and
 * back and forward restore it, so a reload or a shared link shows the same thing.
 */
export function createUrlView() {
  const [view, setView] = createSignal<ViewState>(parseViewState(location.search));
  const [selected, setSelected] = createSignal<string | null>(deviceOf(location.search));
  const [range, setRangeText] = createSignal<string | null>(rangeOf(location.search));
  const [tab, setTabSignal] = createSignal<Tab>(tabOf(location.search));
  const [compared, setCompared] = createSignal<string[]>(compareOf(location.search));

  const href = (next: ViewState, device: string | null, rangeText: string | null) => {
    const url = `${location.pathname}${serializeViewState(next)}`;
    const extra = new URLSearchParams();
    if (tab() !== 'overview') extra.set('tab', tab());
    if (tab() === 'compare' && compared().length > 0) extra.set('compare', compared().join(','));
    if (device) extra.set('device', device);
    if (device && rangeText) extra.set('range', rangeText);
    const tail = extra.toString();
    return tail ? `${url}${url.includes('?') ? '&' : '?'}${tail}` : url;
  };
  const go = (next: ViewState, device = selected()) => {
    history.pushState(null, '', href(next, device, range()));
    setView(next);
  };
  const onPopState = () => {
    setView(parseViewState(location.search));
    setSelected(deviceOf(location.search));
    setRangeText(rangeOf(location.search));
    setTabSignal(tabOf(location.search));
    setCompared(compareOf(location.search));
  };
  window.addEventListener('popstate', onPopState);
  onCleanup(() => window.removeEventListener('popstate', onPopState));

  return {
    view,
    selected,
    tab,
    /** The devices on the compare page. */
    compared,
    /** Another page: a history entry, like any change of view. */
    show(next: Tab, serials?: string[]) {
      setTabSignal(next);
      if (serials) setCompared(serials.slice(0, 8));
      go(view());
    },
    go,
    select(serial: string | null) {
      setSelected(serial);
      go(view(), serial);
    },
    /** The open device panel's time range, as encodeChoice writes it. */
    range,
    /** A new range replaces the URL in place: a shared link shows it; Back does not step through ranges. */
    setRange(text: string) {
      setRangeText(text);
      history.replaceState(null, '', href(view(), selected(), text));
    },
  };
}
