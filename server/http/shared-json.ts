// graphql-ws serialises every message itself, so the `data` of a result shared by many subscribers
// (shared-subscribe.ts) would be stringified once per subscriber. Here it is stringified once: the
// message replacer swaps shared `data` for a short token, and each socket's send puts the cached
// JSON back in place of the token. Messages without shared data pass through untouched.

const json = new WeakMap<object, string | null>();
const recent: string[] = new Array(1024);
let nextSlot = 0;
const TOKEN = '\u0000smartos-shared:';
// How the token looks inside a serialised message (JSON escapes U+0000).
const ESCAPED = '"\\u0000smartos-shared:';

/** Marks a result's data as shared; its JSON is made at most once. */
export function shareData(data: object): void {
  if (!json.has(data)) json.set(data, null);
}

/** For graphql-ws's jsonMessageReplacer. */
export function sharedDataReplacer(key: string, value: unknown): unknown {
  if (key !== 'data' || typeof value !== 'object' || value === null) return value;
  let text = json.get(value);
  if (text === undefined) return value;
  if (text === null) {
    text = JSON.stringify(value);
    json.set(value, text);
  }
  // The send that follows the stringify uses the slot at once; 1024 slots leave ample margin.
  const slot = nextSlot;
  nextSlot = (nextSlot + 1) % recent.length;
  recent[slot] = text;
  return `${TOKEN}${slot}`;
}

/** Puts shared data back into a serialised message. */
export function expandSharedData(message: string): string {
  if (message.length > 256) return message;
  const at = message.indexOf(ESCAPED);
  if (at < 0) return message;
  const end = message.indexOf('"', at + ESCAPED.length);
  const text = recent[Number(message.slice(at + ESCAPED.length, end))];
  return text === undefined ? message : `${message.slice(0, at)}${text}${message.slice(end + 1)}`;
}
