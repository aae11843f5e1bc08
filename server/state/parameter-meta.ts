import { BadInputError } from '../errors.ts';
import type { ParameterInfo } from './fleet.ts';

/** What a parameter's number means: a measurement to plot, a counter (grows; summed by its last value), or an identifier never plotted. */
export type Quantity = 'MEASUREMENT' | 'COUNTER' | 'IDENTIFIER';
export const QUANTITIES: readonly Quantity[] = ['MEASUREMENT', 'COUNTER', 'IDENTIFIER'];

/** How a parameter is shown; every field set. */
export interface ParameterMeta {
  label: string;
  unit: string | null;
  quantity: Quantity;
  /** Decimals shown; null: as many as the value has (up to 2). */
  precision: number | null;
  /** Shown value = stored value × scale. */
  scale: number;
}

/** What an admin set: null fields take the defaults. */
export interface ParameterMetaOverrides {
  label: string | null;
  unit: string | null;
  quantity: Quantity | null;
  precision: number | null;
  scale: number | null;
}

export const PARAMETER_META_LIMITS = { labelLength: 60, unitLength: 16, maxPrecision: 6 } as const;

/** The SolMate's parameters, as they ship. */
const SOLMATE: Record<string, Partial<ParameterMeta>> = {
  solmate_version: { label: 'Edition', quantity: 'IDENTIFIER' },
  software_version: { label: 'Software', quantity: 'IDENTIFIER' },
  country: { label: 'Country', quantity: 'IDENTIFIER' },
  postcode: { label: 'Postcode', quantity: 'IDENTIFIER' },
  pv_connectors: { label: 'PV connectors', quantity: 'IDENTIFIER' },
  battery: { label: 'Battery', unit: '%', precision: 0 },
  battery_reserve: { label: 'Battery reserve', unit: '%', precision: 0 },
  capacity: { label: 'Capacity', unit: 'kWh', scale: 1 / 3_600_000, precision: 2 },
  power_income: { label: 'PV income', unit: 'W', precision: 0 },
  power_inject: { label: 'Grid injection', unit: 'W', precision: 0 },
  power_consumption: { label: 'Consumption', unit: 'W', precision: 0 },
  inject_limit: { label: 'Injection limit', unit: 'W', precision: 0 },
  meassuring: { label: 'Measuring' },
  charging: { label: 'Charging' },
  injecting: { label: 'Injecting' },
  local_time: { label: 'Device clock', quantity: 'IDENTIFIER' },
  display_rtc: { label: 'Clock shown' },
  fleet_battery_avg: { label: 'Fleet battery (average)', unit: '%', precision: 1 },
  peers_online: { label: 'Peers online', precision: 0 },
};

/** Numbers that name rather than measure, recognised by their name. */
const IDENTIFIER_NAME = /(^|[_.-])(id|postcode|zip|zipcode|serial|number|version|code)$/i;
const COUNTER_NAME = /(^|[_.-])(total|count|counter|energy)$/i;

/** A parameter's name, readable: `power_income` → `Power income`. */
export function readable(name: string): string {
  const words = name.replace(/[_.-]+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** Defaults for a parameter: the SolMate's own, else from its name and kind. */
export function defaultMeta(info: Pick<ParameterInfo, 'name' | 'kind'>): ParameterMeta {
  const known = SOLMATE[info.name] ?? {};
  const guessed: Quantity =
    info.kind !== 'number' || IDENTIFIER_NAME.test(info.name)
      ? 'IDENTIFIER'
      : COUNTER_NAME.test(info.name)
        ? 'COUNTER'
        : 'MEASUREMENT';
  return {
    label: known.label ?? readable(info.name),
    unit: known.unit ?? null,
    quantity: known.quantity ?? (info.kind === 'boolean' ? 'IDENTIFIER' : guessed),
    precision: known.precision ?? null,
    scale: known.scale ?? 1,
  };
}

/** The metadata in effect: what an admin set, else the defaults. */
export function effectiveMeta(info: ParameterInfo): ParameterMeta {
  const d = defaultMeta(info);
  const o = info.overrides;
  if (!o) return d;
  return {
    label: o.label ?? d.label,
    unit: o.unit ?? d.unit,
    quantity: o.quantity ?? d.quantity,
    precision: o.precision ?? d.precision,
    scale: o.scale ?? d.scale,
  };
}

/** Overrides as they are kept: none at all when every field takes the default. */
export function storedOverrides(o: ParameterMetaOverrides): ParameterMetaOverrides | undefined {
  const { label, unit, quantity, precision, scale } = o;
  if (label === null && unit === null && quantity === null && precision === null && scale === null) return undefined;
  return { label, unit, quantity, precision, scale };
}

/** Checks an admin's overrides; empty text means "back to the default". */
export function checkOverrides(o: ParameterMetaOverrides): ParameterMetaOverrides {
  const text = (what: string, v: string | null, max: number) => {
    if (v === null) return null;
    const t = v.trim();
    if (t.length > max) throw new BadInputError(`${what} is longer than ${max} characters`);
    return t === '' ? null : t;
  };
  if (
    o.precision !== null &&
    (!Number.isInteger(o.precision) || o.precision < 0 || o.precision > PARAMETER_META_LIMITS.maxPrecision)
  )
    throw new BadInputError(`precision must be a whole number from 0 to ${PARAMETER_META_LIMITS.maxPrecision}`);
  if (o.scale !== null && (!Number.isFinite(o.scale) || o.scale === 0))
    throw new BadInputError('scale must be a finite number other than 0');
  if (o.quantity !== null && !QUANTITIES.includes(o.quantity))
    throw new BadInputError(`quantity must be one of ${QUANTITIES.join(', ')}`);
  return {
    label: text('label', o.label, PARAMETER_META_LIMITS.labelLength),
    unit: text('unit', o.unit, PARAMETER_META_LIMITS.unitLength),
    quantity: o.quantity,
    precision: o.precision,
    scale: o.scale,
  };
}
