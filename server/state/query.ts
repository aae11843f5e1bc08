import type { Scalar } from '../../protocol/values.ts';
import { BadInputError } from '../errors.ts';
import { GROUP_FIELD, LABEL_PREFIX, NAME_FIELD } from './device-meta.ts';
import type { DeviceState } from './fleet.ts';

export const FILTER_OPS = ['CONTAINS', 'EQUALS', 'NOT_EQUALS', 'LT', 'GT', 'LTE', 'GTE', 'STARTS_WITH', 'IS_NULL'] as const;
export type FilterOp = (typeof FILTER_OPS)[number];
export type Direction = 'ASC' | 'DESC';

export interface Condition {
  field: string;
  op: FilterOp;
  value?: string | null;
}

export interface Order {
  field: string;
  direction: Direction;
}

export type Predicate = (device: DeviceState) => boolean;
type Getter = (device: DeviceState) => Scalar | undefined;

const TIME_FIELDS = new Set(['lastSeen', 'createdAt']);
export const MAX_CONDITIONS = 50;
export const MAX_ORDERS = 10;

export function getterFor(field: string): Getter {
  switch (field) {
    case 'serial':
      return (d) => d.serial;
    case 'online':
      return (d) => d.online;
    case 'lastSeen':
      return (d) => d.lastSeen;
    case 'createdAt':
      return (d) => d.createdAt;
    case NAME_FIELD:
      return (d) => d.meta?.name ?? null;
    // Sorting by groups: by the sorted list as text.
    case GROUP_FIELD:
      return (d) => (d.meta && d.meta.groups.length > 0 ? d.meta.groups.join(', ') : null);
    default: {
      if (field.startsWith(LABEL_PREFIX)) {
        const key = field.slice(LABEL_PREFIX.length);
        return (d) => d.meta?.labels[key] ?? null;
      }
      return (d) => d.params[field];
    }
  }
}

function timeOperand(field: string, value: string): number {
  const ms = /^-?\d+$/.test(value) ? Number(value) : Date.parse(value);
  if (!Number.isFinite(ms))
    throw new BadInputError(`${field} compares with an ISO 8601 date-time or milliseconds, not "${value}"`);
  return ms;
}

function numberOperand(value: string): number | undefined {
  const trimmed = value.trim();
  if (trimmed === '') return undefined;
  const n = Number(trimmed);
  return Number.isFinite(n) ? n : undefined;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Compiles and-ed conditions. Semantics (docs/querying.md): a number compares with the filter value as
 * a number, anything else as text; CONTAINS and STARTS_WITH ignore case; a missing or null value
 * never matches, except NOT_EQUALS (it is not equal) and IS_NULL.
 */
export function compileWhere(conditions: readonly Condition[]): Predicate {
  if (conditions.length > MAX_CONDITIONS) throw new BadInputError(`at most ${MAX_CONDITIONS} conditions`);
  if (conditions.length === 0) return () => true;
  const tests = conditions.map(compileCondition);
  if (tests.length === 1) return tests[0] as Predicate;
  return (d) => {
    for (const test of tests) if (!test(d)) return false;
    return true;
  };
}

const KNOWN_OPS: ReadonlySet<string> = new Set(FILTER_OPS);

function compileCondition(c: Condition): Predicate {
  // GraphQL's enum already checks ops; devices' SUBS conditions arrive as text.
  if (!KNOWN_OPS.has(c.op)) throw new BadInputError(`unknown op ${c.op}`);
  const get = getterFor(c.field);
  if (c.op === 'IS_NULL') {
    const want = c.value == null || c.value.toLowerCase() !== 'false';
    return (d) => (get(d) == null) === want;
  }
  if (c.value == null) throw new BadInputError(`${c.op} on ${c.field} needs a value`);
  if (TIME_FIELDS.has(c.field)) return compileTime(c.op, get, c.value, c.field);
  const test = compileValueTest(c.op, c.value);
  if (c.field === GROUP_FIELD) {
    // A device is in several groups: it matches when one of them does (NOT_EQUALS: when none is equal).
    if (c.op === 'NOT_EQUALS') return (d) => (d.meta?.groups ?? []).every(test);
    return (d) => (d.meta?.groups ?? []).some(test);
  }
  return (d) => test(get(d));
}

function compileValueTest(op: Exclude<FilterOp, 'IS_NULL'>, text: string): (v: Scalar | undefined) => boolean {
  const lower = text.toLowerCase();
  const num = numberOperand(text);
  const equals = (v: Scalar | undefined): boolean => {
    if (typeof v === 'number') return v === num;
    if (typeof v === 'string') return v === text;
    if (typeof v === 'boolean') return String(v) === lower;
    return false;
  };
  const order = (v: Scalar | undefined): number | null => {
    if (typeof v === 'number') return num === undefined ? null : v - num;
    if (typeof v === 'string') return compareText(v, text);
    return null;
  };
  switch (op) {
    case 'EQUALS':
      return equals;
    case 'NOT_EQUALS':
      return (v) => !equals(v);
    case 'CONTAINS':
      return (v) => v != null && String(v).toLowerCase().includes(lower);
    case 'STARTS_WITH':
      return (v) => v != null && String(v).toLowerCase().startsWith(lower);
    default: {
      const test = RANGE_TESTS[op];
      return (v) => {
        const o = order(v);
        return o !== null && test(o);
      };
    }
  }
}

const RANGE_TESTS: Record<'LT' | 'LTE' | 'GT' | 'GTE', (order: number) => boolean> = {
  LT: (o) => o < 0,
  LTE: (o) => o <= 0,
  GT: (o) => o > 0,
  GTE: (o) => o >= 0,
};

function compileTime(op: Exclude<FilterOp, 'IS_NULL'>, get: Getter, text: string, field: string): Predicate {
  if (op === 'CONTAINS' || op === 'STARTS_WITH') {
    const lower = text.toLowerCase();
    return (d) => {
      const v = get(d);
      if (typeof v !== 'number') return false;
      const iso = new Date(v).toISOString().toLowerCase();
      return op === 'CONTAINS' ? iso.includes(lower) : iso.startsWith(lower);
    };
  }
  const at = timeOperand(field, text);
  const cmp: Record<typeof op, (v: number) => boolean> = {
    EQUALS: (v) => v === at,
    NOT_EQUALS: (v) => v !== at,
    LT: (v) => v < at,
    LTE: (v) => v <= at,
    GT: (v) => v > at,
    GTE: (v) => v >= at,
  };
  const test = cmp[op];
  return (d) => {
    const v = get(d);
    return typeof v === 'number' ? test(v) : op === 'NOT_EQUALS';
  };
}

const rank = (v: Scalar | undefined): number => (typeof v === 'number' ? 0 : typeof v === 'string' ? 1 : 2);

/** Compares two values ascending; numbers before text before booleans. Both non-null. */
function compareValues(a: Scalar, b: Scalar): number {
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return ra - rb;
  if (ra === 0) return (a as number) - (b as number);
  if (ra === 1) return compareText(a as string, b as string);
  return Number(a) - Number(b);
}

export type Comparator = (a: DeviceState, b: DeviceState) => number;

/** Several keys; nulls last in either direction; serial breaks ties so pages are stable. */
export function compileOrder(orders: readonly Order[]): Comparator {
  if (orders.length > MAX_ORDERS) throw new BadInputError(`at most ${MAX_ORDERS} sort keys`);
  const keys = orders.map((o) => ({ get: getterFor(o.field), sign: o.direction === 'DESC' ? -1 : 1 }));
  return (a, b) => {
    for (const key of keys) {
      const va = key.get(a);
      const vb = key.get(b);
      const aNull = va == null;
      const bNull = vb == null;
      if (aNull || bNull) {
        if (aNull && bNull) continue;
        return aNull ? 1 : -1;
      }
      const c = compareValues(va, vb);
      if (c !== 0) return c * key.sign;
    }
    return compareText(a.serial, b.serial);
  };
}

export interface PageRequest {
  where: readonly Condition[];
  orderBy: readonly Order[];
  offset: number;
  limit: number;
}

export interface Page {
  totalCount: number;
  nodes: DeviceState[];
}

export const MAX_LIMIT = 500;

export function runQuery(devices: Iterable<DeviceState>, req: PageRequest): Page {
  if (!Number.isInteger(req.limit) || req.limit < 0 || req.limit > MAX_LIMIT) {
    throw new BadInputError(`limit must be between 0 and ${MAX_LIMIT}`);
  }
  if (!Number.isInteger(req.offset) || req.offset < 0) throw new BadInputError('offset must not be negative');
  const match = compileWhere(req.where);
  const compare = compileOrder(req.orderBy);
  const matched: DeviceState[] = [];
  for (const d of devices) if (match(d)) matched.push(d);
  const end = req.offset + req.limit;
  return { totalCount: matched.length, nodes: topK(matched, end, compare).slice(req.offset, end) };
}

/** The first k items in order, without sorting all of them when k is small. */
function topK(items: DeviceState[], k: number, compare: Comparator): DeviceState[] {
  if (k >= items.length / 4) return items.sort(compare);
  // Keep a sorted window of k; an item worse than the window's last is skipped with one compare.
  const window: DeviceState[] = [];
  for (const item of items) {
    if (window.length === k) {
      if (k === 0 || compare(item, window[k - 1] as DeviceState) >= 0) continue;
      window.pop();
    }
    let lo = 0;
    let hi = window.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (compare(window[mid] as DeviceState, item) <= 0) lo = mid + 1;
      else hi = mid;
    }
    window.splice(lo, 0, item);
  }
  return window;
}
