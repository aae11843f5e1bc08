/** The ranges the device panel's trends can show: a live window that moves with the clock, or fixed dates. */
export type TimeRange = { kind: 'live'; seconds: number } | { kind: 'fixed'; since: number; until: number };

export const PRESETS = [
  { id: 'live', label: 'Live 30 s', seconds: 30 },
  { id: '15m', label: '15 min', seconds: 15 * 60 },
  { id: '1h', label: '1 h', seconds: 3600 },
  { id: '24h', label: '24 h', seconds: 86_400 },
  { id: '7d', label: '7 d', seconds: 7 * 86_400 },
] as const;

export type PresetId = (typeof PRESETS)[number]['id'];

/** The window in ms for a given clock: [since, until). Live windows end now. */
export function windowOf(range: TimeRange, now: number): { since: number; until: number } {
  return range.kind === 'live' ? { since: now - range.seconds * 1000, until: now } : { since: range.since, until: range.until };
}

/** `<input type="datetime-local">` speaks local wall-clock time without a zone. */
export function toLocalInput(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export function fromLocalInput(value: string): number | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(value)) return null;
  const ms = new Date(value).getTime(); // no zone in the string: read as local time
  return Number.isFinite(ms) ? ms : null;
}

/** A custom range from the two inputs, or why it cannot be one. */
export function customRange(since: string, until: string): TimeRange | string {
  const a = fromLocalInput(since);
  const b = fromLocalInput(until);
  if (a === null || b === null) return 'Give both a start and an end.';
  if (b <= a) return 'The end must be after the start.';
  return { kind: 'fixed', since: a, until: b };
}

/** The export of exactly what the panel shows: this device, every parameter, the same range. */
export function exportHref(serial: string, range: TimeRange, now: number, format: 'csv' | 'ndjson'): string {
  const { since, until } = windowOf(range, now);
  const query = new URLSearchParams({
    device: serial,
    since: new Date(since).toISOString(),
    until: new Date(until).toISOString(),
  });
  return `/export.${format}?${query}`;
}

export interface Series {
  /** Seconds since the epoch (uPlot's time unit). */
  t: number[];
  /** The value, or the bucket's average. */
  v: (number | null)[];
  /** The bucket's extremes (equal to v for raw points). */
  lo: (number | null)[];
  hi: (number | null)[];
}

export interface HistoryPoint {
  t: string;
  avg?: number | null;
  min?: number | null;
  max?: number | null;
  value?: unknown;
}

/** API points to chart arrays; points without a number (a string parameter) are left out. */
export function toSeries(points: readonly HistoryPoint[]): Series {
  const series: Series = { t: [], v: [], lo: [], hi: [] };
  for (const p of points) {
    const v = p.avg ?? (typeof p.value === 'number' ? p.value : null);
    if (v === null) continue;
    series.t.push(Date.parse(p.t) / 1000);
    series.v.push(v);
    series.lo.push(p.min ?? v);
    series.hi.push(p.max ?? v);
  }
  return series;
}

/** Adds a live value after the history, unless the history already holds a newer point. */
export function appendLive(series: Series, atMs: number, value: number): void {
  const t = atMs / 1000;
  const last = series.t.at(-1);
  if (last !== undefined && t <= last) return;
  series.t.push(t);
  series.v.push(value);
  series.lo.push(value);
  series.hi.push(value);
}

/** Drops points before the window, keeping one so the line enters from the left edge. */
export function trimBefore(series: Series, sinceMs: number): void {
  const cut = series.t.findIndex((x) => x >= sinceMs / 1000) - 1;
  if (cut > 0) {
    series.t.splice(0, cut);
    series.v.splice(0, cut);
    series.lo.splice(0, cut);
    series.hi.splice(0, cut);
  }
}

/** What the picker holds (and the browser remembers): a preset, or custom dates. */
export interface RangeChoice {
  preset: PresetId | 'custom';
  range: TimeRange;
}

export const DEFAULT_CHOICE: RangeChoice = { preset: 'live', range: { kind: 'live', seconds: 30 } };

/** A remembered choice, checked: storage may hold anything. */
export function validChoice(value: unknown): RangeChoice {
  const c = value as Partial<RangeChoice> | null;
  const r = c?.range as Partial<{ kind: string; seconds: number; since: number; until: number }> | undefined;
  const preset = PRESETS.find((p) => p.id === c?.preset);
  if (preset) return { preset: preset.id, range: { kind: 'live', seconds: preset.seconds } };
  if (
    c?.preset === 'custom' &&
    r?.kind === 'fixed' &&
    Number.isFinite(r.since) &&
    Number.isFinite(r.until) &&
    (r.until ?? 0) > (r.since ?? 0)
  )
    return { preset: 'custom', range: { kind: 'fixed', since: r.since as number, until: r.until as number } };
  return DEFAULT_CHOICE;
}

/**
 * What a chart draws of a series in [since, until): its points, the value held from before the window
 * entering at the left edge, and the last value held on to `until` (devices send only changes: a
 * value that did not change is still the value). With no point at all, `current` is held across the
 * whole window (live ranges only: in a past window the value then is not known).
 */
export function heldSeries(series: Series | undefined, since: number, until: number, current: number | null): Series {
  const out: Series = { t: [], v: [], lo: [], hi: [] };
  const [a, b] = [since / 1000, until / 1000];
  const s = series ?? out;
  let before = -1;
  for (let i = 0; i < s.t.length; i++) {
    const t = s.t[i] as number;
    if (t < a) {
      before = i;
      continue;
    }
    if (t >= b) break;
    out.t.push(t);
    out.v.push(s.v[i] ?? null);
    out.lo.push(s.lo[i] ?? null);
    out.hi.push(s.hi[i] ?? null);
  }
  const entering = before >= 0 ? (s.v[before] ?? null) : out.t.length === 0 ? current : null;
  if (entering !== null && (out.t[0] ?? b) > a) {
    out.t.unshift(a);
    out.v.unshift(entering);
    out.lo.unshift(entering);
    out.hi.unshift(entering);
  }
  const last = out.v.at(-1);
  if (last !== undefined && last !== null && (out.t.at(-1) ?? b) < b) {
    out.t.push(b);
    out.v.push(last);
    out.lo.push(last);
    out.hi.push(last);
  }
  return out;
}

/** A choice as the URL carries it: a preset's id, or custom:<since ms>-<until ms>. */
export function encodeChoice(choice: RangeChoice): string {
  return choice.range.kind === 'fixed' ? `custom:${choice.range.since}-${choice.range.until}` : choice.preset;
}

/** A choice from the URL, or null when it says none (or nonsense). */
export function decodeChoice(text: string | null): RangeChoice | null {
  if (!text) return null;
  const custom = /^custom:(\d{1,15})-(\d{1,15})$/.exec(text);
  const candidate = custom
    ? { preset: 'custom', range: { kind: 'fixed', since: Number(custom[1]), until: Number(custom[2]) } }
    : { preset: text };
  const valid = validChoice(candidate);
  return valid === DEFAULT_CHOICE && text !== DEFAULT_CHOICE.preset ? null : valid;
}

const two = (n: number) => String(n).padStart(2, '0');

/**
 * Tick labels of a time axis (seconds in, local time out): HH:MM:SS under two minutes, HH:MM under two
 * days, the day and month beyond (with the time when it is not midnight).
 */
export function axisTimes(splits: readonly number[], spanSeconds: number): string[] {
  return splits.map((s) => {
    const d = new Date(s * 1000);
    const hm = `${two(d.getHours())}:${two(d.getMinutes())}`;
    if (spanSeconds < 120) return `${hm}:${two(d.getSeconds())}`;
    if (spanSeconds < 2 * 86_400) return hm;
    const day = `${d.getDate()}.${d.getMonth() + 1}.`;
    return d.getHours() === 0 && d.getMinutes() === 0 ? day : `${day} ${hm}`;
  });
}

/** The time of a hovered point: local date and time to the second. */
export function readoutTime(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}
