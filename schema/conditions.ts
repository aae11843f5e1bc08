import { FILTER_OPS, type FilterOp } from '../server/state/query.ts';
import { builder } from './builder.ts';

const opDescriptions: Record<FilterOp, string> = {
  CONTAINS: 'Case-insensitive substring (the original "=").',
  EQUALS: 'Exactly equal; numbers compare as numbers (the original "==").',
  NOT_EQUALS: 'Not equal; also matches devices without the parameter.',
  LT: 'Less than.',
  GT: 'Greater than.',
  LTE: 'Less than or equal.',
  GTE: 'Greater than or equal.',
  STARTS_WITH: 'Case-insensitive prefix (the original "^").',
  IS_NULL: 'The parameter is missing or null; value "false" inverts it.',
};

export const FilterOpEnum = builder.enumType('FilterOp', {
  description: 'How a condition compares a field with its value.',
  values: Object.fromEntries(FILTER_OPS.map((op) => [op, { value: op, description: opDescriptions[op] }])) as Record<
    FilterOp,
    { value: FilterOp; description: string }
  >,
});

export const SortDirectionEnum = builder.enumType('SortDirection', {
  description: 'The order of a sort key.',
  values: { ASC: { description: 'Smallest first.' }, DESC: { description: 'Largest first.' } } as const,
});

export const ConditionInput = builder.inputType('Condition', {
  description: 'One filter condition; several are and-ed.',
  fields: (t) => ({
    field: t.string({ required: true, description: 'serial, online, lastSeen, createdAt, or any parameter name.' }),
    op: t.field({ type: FilterOpEnum, required: true, description: 'How to compare.' }),
    value: t.string({ required: false, description: 'Compared as a number with numeric values, as text otherwise.' }),
  }),
});

export const OrderInput = builder.inputType('Order', {
  description: 'One sort key; nulls sort last either way.',
  fields: (t) => ({
    field: t.string({ required: true, description: 'serial, online, lastSeen, createdAt, or any parameter name.' }),
    direction: t.field({ type: SortDirectionEnum, required: true, defaultValue: 'ASC', description: 'Ascending by default.' }),
  }),
});
