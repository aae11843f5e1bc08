/** Labels and units for the parameters people know (the SolMate's); others get their name, readable. */
const KNOWN: Record<string, { label: string; unit?: string; scale?: number; decimals?: number; identifier?: boolean }> = {
  serial: { label: 'Serial' },
  online: { label: 'Status' },
  lastSeen: { label: 'Last seen' },
  createdAt: { label: 'First seen' },
  solmate_version: { label: 'Edition' },
  software_version: { label: 'Software' },
  country: { label: 'Country' },
  postcode: { label: 'Postcode', identifier: true },
  pv_connectors: { label: 'PV connectors', identifier: true },
  battery: { label: 'Battery', unit: '%' },
  capacity: { label: 'Capacity', unit: 'kWh', scale: 1 / 3_600_000, decimals: 2 },
  power_income: { label: 'PV income', unit: 'W' },
  power_inject: { label: 'Grid injection', unit: 'W' },
  power_consumption: { label: 'Consumption', unit: 'W' },
  meassuring: { label: 'Measuring' },
  charging: { label: 'Charging' },
  injecting: { label: 'Injecting' },
  local_time: { label: 'Device clock' },
  display_rtc: { label: 'Clock shown' },
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

export function label(name: string): string {
  const known = KNOWN[name]?.label;
  if (known) return known;
  const words = name.replace(/[_.-]+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export function unit(name: string): string | undefined {
  return KNOWN[name]?.unit;
}

/**
 * A number that names rather than measures (a postcode, a version, an id): shown, never plotted as a
 * trend. Known parameters say so; others are recognised by their name.
 */
export function isIdentifier(name: string): boolean {
  return KNOWN[name]?.identifier ?? /(^|[_.-])(id|postcode|zip|zipcode|serial|number|version|code)$/i.test(name);
}

const numbers = new Intl.NumberFormat(undefined, { maximumFractionDigits: 2 });

/** A number on a chart's axis, in the unit people read (capacity in kWh, not joules). */
export function axisNumber(name: string, value: number): string {
  const known = KNOWN[name];
  return numbers.format(known?.scale ? value * known.scale : value);
}

/** A parameter's value as people read it: units, ✓ and –, grouped digits. */
export function formatValue(name: string, value: unknown): string {
  if (value === null || value === undefined) return '–';
  if (typeof value === 'boolean') return value ? '✓' : '✗';
  if (typeof value === 'number') {
    const known = KNOWN[name];
    const shown = known?.scale ? value * known.scale : value;
    const text = known?.decimals !== undefined ? shown.toFixed(known.decimals) : numbers.format(shown);
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
