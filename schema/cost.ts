import { DEFAULT_HISTORY_LIMITS } from '../server/history/history-service.ts';
import { DAY_MS } from '../server/time.ts';

// Query cost (server/http/query-limits.ts), about the number of values a response may hold: fields cost 1
// unless their `complexity` extension says more. Lists multiply what is asked of each item by how many
// items they may return.

/** What a field's complexity function is given. */
export interface CostArgs {
  args: Record<string, unknown>;
  childComplexity: number;
}

/** A list field paged by `limit`: what is asked of each item costs once per item. */
export const listCost =
  (defaultLimit: number) =>
  ({ args, childComplexity }: CostArgs): number =>
    1 + childComplexity * (typeof args.limit === 'number' ? args.limit : defaultLimit);

/** The most points one series can return for these range arguments. */
export function seriesPoints(args: Record<string, unknown>): number {
  const { maxPoints, maxBuckets } = DEFAULT_HISTORY_LIMITS;
  const bucket = typeof args.bucketSeconds === 'number' ? args.bucketSeconds * 1000 : null;
  if (bucket === null || bucket <= 0) return maxPoints; // raw when few, else a bucket giving about maxPoints
  const until = args.until instanceof Date ? args.until.getTime() : Date.now();
  const since = args.since instanceof Date ? args.since.getTime() : until - DAY_MS;
  return Math.max(1, Math.min(maxBuckets, Math.ceil(Math.max(0, until - since) / bucket)));
}

/** One history series: each point it may return costs what is asked of a point. */
export const seriesCost = ({ args, childComplexity }: CostArgs): number => 1 + seriesPoints(args) * Math.max(1, childComplexity);
