import { BadInputError } from '../server/errors.ts';

/** A list field's `offset` and `limit` (at most 500), checked: [offset, limit]. */
export function pageOf(args: { offset?: number | null; limit?: number | null }, fallbackLimit = 50): [number, number] {
  const offset = args.offset ?? 0;
  const limit = args.limit ?? fallbackLimit;
  if (!Number.isInteger(offset) || offset < 0) throw new BadInputError('offset must not be negative');
  if (!Number.isInteger(limit) || limit < 0 || limit > 500) throw new BadInputError('limit must be between 0 and 500');
  return [offset, limit];
}
