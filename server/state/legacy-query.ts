import { BadInputError } from '../errors.ts';
import type { Condition, FilterOp, Order } from './query.ts';

// The original dashboard's query strings (its browser protocol): "filter:<field>:<op>:<value>" and
// "sort:<field>:<dir>:<abc|123>". Its docs disagree on the sort direction; its code's docstring
// ("<" = small-big/a-z, ">" = big-small/z-a) is what we follow (docs/querying.md).
const LEGACY_OPS: Record<string, FilterOp> = {
  '=': 'CONTAINS',
  '==': 'EQUALS',
  '^': 'STARTS_WITH',
  '!=': 'NOT_EQUALS',
  '<': 'LT',
  '>': 'GT',
  '<=': 'LTE',
  '>=': 'GTE',
};

/** The original dashboard's column names for the built-in fields. */
const LEGACY_FIELDS: Record<string, string> = {
  serial_number: 'serial',
  last_status_update: 'lastSeen',
  manufacturing_date: 'createdAt',
};

export interface LegacyQuery {
  where: Condition[];
  orderBy: Order[];
}

function splitN(text: string, parts: number): string[] {
  const out: string[] = [];
  let rest = text;
  while (out.length < parts - 1) {
    const cut = rest.indexOf(':');
    if (cut < 0) break;
    out.push(rest.slice(0, cut));
    rest = rest.slice(cut + 1);
  }
  out.push(rest);
  return out;
}

export function parseLegacyQuery(items: readonly string[]): LegacyQuery {
  const where: Condition[] = [];
  const orderBy: Order[] = [];
  for (const item of items) {
    const [kind, rawField = '', op = '', value = ''] = splitN(item, 4);
    const field = LEGACY_FIELDS[rawField] ?? rawField;
    if (field === '') throw new BadInputError(`"${item}": missing field name`);
    if (kind === 'filter') {
      const mapped = LEGACY_OPS[op];
      if (!mapped) {
        throw new BadInputError(`"${item}": unknown filter operator "${op}", use one of ${Object.keys(LEGACY_OPS).join(' ')}`);
      }
      where.push({ field, op: mapped, value });
    } else if (kind === 'sort') {
      if (op !== '<' && op !== '>')
        throw new BadInputError(`"${item}": unknown sort direction "${op}", use < (ascending) or > (descending)`);
      if (value !== '' && value !== 'abc' && value !== '123') {
        throw new BadInputError(`"${item}": unknown sort kind "${value}", use abc or 123`);
      }
      orderBy.push({ field, direction: op === '<' ? 'ASC' : 'DESC' });
    } else {
      throw new BadInputError(`"${item}": must start with filter: or sort:`);
    }
  }
  return { where, orderBy };
}
