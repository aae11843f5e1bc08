// Query cost (server/http/query-limits.ts): fields cost 1 unless their `complexity` extension says more.

/** What a field's complexity function is given. */
export interface CostArgs {
  args: Record<string, unknown>;
  childComplexity: number;
}

/** One history series: a read of up to a thousand rows, far more than a field in memory. */
export const SERIES_COST = 20;

/** A list field paged by `limit`: what is asked of each item costs once per item. */
export const listCost =
  (defaultLimit: number) =>
  ({ args, childComplexity }: CostArgs): number =>
    1 + childComplexity * (typeof args.limit === 'number' ? args.limit : defaultLimit);
