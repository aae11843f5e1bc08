import type { Condition, FilterOp, Order } from './gql/graphql.ts';

export const PAGE_SIZES = [10, 20, 50, 100] as const;

/** What the table shows; it lives in the URL so a view can be shared and survives a reload. */
export interface ViewState {
  where: Condition[];
  orderBy: Order[];
  /** From 1. */
  page: number;
  size: number;
}

export const FILTER_OPS: ReadonlyArray<{ op: FilterOp; label: string; needsValue: boolean }> = [
  { op: 'CONTAINS', label: 'contains', needsValue: true },
  { op: 'EQUALS', label: 'is', needsValue: true },
  { op: 'NOT_EQUALS', label: 'is not', needsValue: true },
  { op: 'STARTS_WITH', label: 'starts with', needsValue: true },
  { op: 'LT', label: 'is less than', needsValue: true },
  { op: 'LTE', label: 'is at most', needsValue: true },
  { op: 'GT', label: 'is greater than', needsValue: true },
  { op: 'GTE', label: 'is at least', needsValue: true },
  { op: 'IS_NULL', label: 'is empty', needsValue: false },
];
const OPS = new Set<string>(FILTER_OPS.map((o) => o.op));

// `f=battery~GT~50` (field names never contain ~), `sort=battery:desc,serial:asc`, `page=2`, `size=20`.
export function parseViewState(search: string): ViewState {
  const params = new URLSearchParams(search);
  const where: Condition[] = [];
  for (const f of params.getAll('f')) {
    const [field, op, ...rest] = f.split('~');
    if (!field || !op || !OPS.has(op)) continue;
    where.push({ field, op: op as FilterOp, value: rest.length > 0 ? rest.join('~') : null });
  }
  const orderBy: Order[] = (params.get('sort') ?? '')
    .split(',')
    .filter(Boolean)
    .map((key) => {
      const [field = '', dir = 'asc'] = key.split(':');
      return { field, direction: dir.toLowerCase() === 'desc' ? 'DESC' : 'ASC' } as Order;
    })
    .filter((o) => o.field !== '');
  const size = Number(params.get('size'));
  const page = Number(params.get('page'));
  return {
    where,
    orderBy,
    page: Number.isInteger(page) && page > 0 ? page : 1,
    size: (PAGE_SIZES as readonly number[]).includes(size) ? size : 20,
  };
}

export function serializeViewState(state: ViewState): string {
  const params = new URLSearchParams();
  for (const c of state.where) params.append('f', [c.field, c.op, ...(c.value == null ? [] : [c.value])].join('~'));
  if (state.orderBy.length > 0)
    params.set('sort', state.orderBy.map((o) => `${o.field}:${(o.direction ?? 'ASC').toLowerCase()}`).join(','));
  if (state.page > 1) params.set('page', String(state.page));
  if (state.size !== 20) params.set('size', String(state.size));
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** Next sort after a click on a header: ascending, descending, off; with shift, added to the keys. */
export function nextSort(current: Order[], field: string, multi: boolean): Order[] {
  const existing = current.find((o) => o.field === field);
  const toggled: Order | null = !existing
    ? { field, direction: 'ASC' }
    : existing.direction === 'ASC'
      ? { field, direction: 'DESC' }
      : null;
  if (!multi) return toggled ? [toggled] : [];
  if (!existing) return [...current, toggled as Order];
  return current.flatMap((o) => (o.field === field ? (toggled ? [toggled] : []) : [o]));
}
