import { createSignal, onCleanup } from 'solid-js';
import { parseViewState, serializeViewState, type ViewState } from './view-state.ts';

const deviceOf = (search: string) => new URLSearchParams(search).get('device');

/**
 * The URL is the view (filter, sort, page, size, open device): every change is a history entry, and
 * back and forward restore it, so a reload or a shared link shows the same thing.
 */
export function createUrlView() {
  const [view, setView] = createSignal<ViewState>(parseViewState(location.search));
  const [selected, setSelected] = createSignal<string | null>(deviceOf(location.search));

  const go = (next: ViewState, device = selected()) => {
    const url = `${location.pathname}${serializeViewState(next)}`;
    const withDevice = device ? `${url}${url.includes('?') ? '&' : '?'}device=${encodeURIComponent(device)}` : url;
    history.pushState(null, '', withDevice);
    setView(next);
  };
  const onPopState = () => {
    setView(parseViewState(location.search));
    setSelected(deviceOf(location.search));
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
  };
}
