import { createSignal } from 'solid-js';
import type { Quantity } from './gql/graphql.ts';

/** How the server says a parameter is shown (its catalogue: an admin's, the SolMate's, or defaults). */
export interface ParameterDisplay {
  label: string;
  unit: string | null;
  quantity: Quantity;
  precision: number | null;
  scale: number;
}

// One catalogue for every component: set by createCatalogue when it reads it, read by the formatters.
const [served, setServed] = createSignal<ReadonlyMap<string, ParameterDisplay>>(new Map());
export const setParameterDisplay = (list: ReadonlyArray<ParameterDisplay & { name: string }>) =>
  setServed(new Map(list.map((p) => [p.name, p])));
export const displayOf = (name: string): ParameterDisplay | undefined => served().get(name);

/** Labels of the built-in fields and of the metadata fields. */
const BUILT_IN: Record<string, string> = {
  serial: 'Serial',
  online: 'Status',
  lastSeen: 'Last seen',
  createdAt: 'First seen',
  'meta:name': 'Name',
  'meta:group': 'Groups',
};

/** Columns shown first when the fleet reports them: the SolMate's. */
export const PREFERRED = [
  'battery',
  'power_income',
  'power_inject',
  'power_consumption',
  'charging',
  'injecting',
  'software_version',
  'country',
];

export function readable(name: string): string {
  const words = name.replace(/[_.-]+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export function label(name: string): string {
  const known = BUILT_IN[name] ?? served().get(name)?.label;
  if (known) return known;
  if (name.startsWith('label:')) return name.slice(6);
  return readable(name);
}

export function unit(name: string): string | undefined {
  return served().get(name)?.unit ?? undefined;
}

/**
 * A number that names rather than measures (a postcode, a version, an id): shown, never plotted as a
 * trend. The catalogue says so; before it arrives, the name decides.
 */
export function isIdentifier(name: string): boolean {
  const known = served().get(name);
  if (known) return known.quantity === 'IDENTIFIER';
  return /(^|[_.-])(id|postcode|zip|zipcode|serial|number|version|code)$/i.test(name);
}

const numbers = new Intl.NumberFormat(undefined, { maximumFractionDigits: 2 });

/** A number on a chart's axis, in the unit people read (capacity in kWh, not joules). */
export function axisNumber(name: string, value: number): string {
  return numbers.format(value * (served().get(name)?.scale ?? 1));
}

/** A parameter's value as people read it: units, ✓ and –, grouped digits. */
export function formatValue(name: string, value: unknown): string {
  if (value === null || value === undefined) return '–';
  if (typeof value === 'boolean') return value ? '✓' : '✗';
  if (typeof value === 'number') {
    const known = served().get(name);
    const shown = value * (known?.scale ?? 1);
    const text =
      known?.precision != null
        ? shown.toLocaleString(undefined, { minimumFractionDigits: known.precision, maximumFractionDigits: known.precision })
        : numbers.format(shown);
    return known?.unit ? `${text} ${known.unit}` : text;
  }
  return String(value);
}

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

export function localDateTime(iso: string | null | undefined): string {
  return iso ? dateTime.format(new Date(iso)) : '–';
}

/** "12 s ago", "3 min ago", "2 h ago", "5 d ago". */
export function ago(iso: string | null | undefined, now: number): string {
  if (!iso) return 'never';
  const s = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h ago`;
  return `${Math.floor(s / 86_400)} d ago`;
}
