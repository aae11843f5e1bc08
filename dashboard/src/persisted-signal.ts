import { type Accessor, createSignal } from 'solid-js';

/** A signal kept in localStorage: remembered across visits, per browser. */
export function persisted<T>(key: string, initial: T): [Accessor<T>, (value: T) => void] {
  let start = initial;
  try {
    const stored = localStorage.getItem(key);
    if (stored !== null) start = JSON.parse(stored) as T;
  } catch {
    // unreadable or blocked storage: the default it is
  }
  const [value, setValue] = createSignal<T>(start);
  return [
    value,
    (next: T) => {
      setValue(() => next);
      try {
        localStorage.setItem(key, JSON.stringify(next));
      } catch {
        // private mode: kept for this visit only
      }
    },
  ];
}
