import { type Accessor, createSignal, onCleanup } from 'solid-js';

/** The current time, ticking every second ("12 s ago" stays true). */
export function createClock(): Accessor<number> {
  const [now, setNow] = createSignal(Date.now());
  const ticker = setInterval(() => setNow(Date.now()), 1000);
  onCleanup(() => clearInterval(ticker));
  return now;
}
