import { createSignal, onCleanup } from 'solid-js';
import { parseViewState, serializeViewState, type ViewState } from './view-state.ts';

const deviceOf = (search: string) => new URLSearchParams(search).get('device');
const rangeOf = (search: string) => new URLSearchParams(search).get('range');

/**
 * The URL is the view (filter, sort, page, size, open device): every change is a history entry, and
 * back and forward restore it, so a reload or a shared link shows the same thing.
 */
export function createUrlView() {
  const [view, setView] = createSignal<ViewState>(parseViewState(location.search));
  const [selected, setSelected] = createSignal<string | null>(deviceOf(location.search));
  const [range, setRangeText] = createSignal<string | null>(rangeOf(location.search));

  const href = (next: ViewState, device: string | null, rangeText: string | null) => {
    const url = `${location.pathname}${serializeViewState(next)}`;
    const extra = new URLSearchParams();
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
  };
  window.addEventListener('popstate', onPopState);
  onCleanup(() => window.removeEventListener('popstate', onPopState));

  return {
    view,
    selected,
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
